#include "kube/token_source.h"

#include <fstream>
#include <sstream>

namespace orderops::kube {
namespace {

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kUnauthorized, "cannot read token file " + path);
  std::ostringstream out;
  out << in.rdbuf();
  std::string token = out.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty())
    return make_error(ErrorCode::kUnauthorized, "token file " + path + " is empty");
  return token;
}

}  // namespace

TokenSource::TokenSource(std::string fixed_token, std::string token_file, const Clock& clock)
    : fixed_(std::move(fixed_token)), file_(std::move(token_file)), clock_(clock) {}

Result<std::string> TokenSource::token() {
  if (file_.empty()) return fixed_;
  std::lock_guard lock(mu_);
  const MonotonicTime now = clock_.monotonic();
  if (have_cached_ && now - read_at_ < kRefreshPeriod) return cached_;
  auto fresh = read_token_file(file_);
  if (!fresh) {
    if (have_cached_) return cached_;
    return std::unexpected(fresh.error());
  }
  cached_ = std::move(*fresh);
  have_cached_ = true;
  read_at_ = now;
  return cached_;
}

bool TokenSource::invalidate() {
  if (file_.empty()) return false;
  std::lock_guard lock(mu_);
  read_at_ = MonotonicTime{};
  // Keep the stale value as a fallback in case the file cannot be read right now.
  if (have_cached_) read_at_ = clock_.monotonic() - kRefreshPeriod;
  return true;
}

}  // namespace orderops::kube
