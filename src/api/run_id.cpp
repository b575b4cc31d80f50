#include "api/run_id.h"

#include <openssl/evp.h>

#include <array>

namespace orderops::api {
namespace {

constexpr size_t kTokenHashHexDigits = 10;

std::string prefix(std::string_view name, Task task) {
  std::string out(name);
  if (is_profit_share(task)) {
    out += '-';
    out += cli_name(task);
  }
  return out;
}

}  // namespace

std::string scheduled_run_id(std::string_view name, Task task, SystemTime slot) {
  const auto minutes = std::chrono::floor<std::chrono::minutes>(slot.time_since_epoch()).count();
  return prefix(name, task) + "-" + std::to_string(minutes);
}

std::string manual_run_id(std::string_view name, Task task, std::string_view token) {
  return prefix(name, task) + "-manual-" + token_hash(token);
}

std::string token_hash(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // EVP_Digest manages its own context: no handle outlives this call.
  EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length && out.size() < kTokenHashHexDigits; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  out.resize(kTokenHashHexDigits);
  return out;
}

}  // namespace orderops::api
