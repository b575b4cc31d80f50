// Byte encodings the WeChat Pay v3 protocol needs: standard Base64, lower-case hex, SHA-1 (bill
// integrity), random alphanumeric strings (nonces) and URL escaping that matches Go's
// url.PathEscape / url.QueryEscape, since the escaped form is what gets signed. Pure; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/base64.h"
#include "common/error.h"

namespace orderops::wechatpay {

using orderops::base64_decode;
using orderops::base64_encode;

std::string hex_lower(std::string_view bytes);
std::string sha1_hex(std::string_view bytes);

// Incremental SHA-1 for streams too large to hold in memory.
class Sha1 {
 public:
  Sha1();
  ~Sha1();
  Sha1(Sha1&&) noexcept;
  Sha1& operator=(Sha1&&) noexcept;
  void update(std::string_view bytes);
  // Lower-case hex digest; the object must not be updated afterwards.
  std::string final_hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Cryptographically random bytes / characters from [0-9A-Za-z] / lower-case hex characters.
std::string random_bytes(std::size_t n);
std::string random_alnum(std::size_t n);
std::string random_hex(std::size_t n);

// Percent-escapes one path segment as Go's url.PathEscape does ('|' -> %7C, '*' -> %2A, '@' kept).
std::string path_escape(std::string_view segment);
// Percent-escapes a query value (spaces as %20, not '+', so the value never changes meaning).
std::string query_escape(std::string_view value);
// Reverses either escaping ('+' stays '+'). Fails on a malformed %XX sequence.
Result<std::string> percent_decode(std::string_view text);

}  // namespace orderops::wechatpay
