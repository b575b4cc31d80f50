// The bearer token for API requests: either fixed (kubeconfig `token`) or read from a file
// (`tokenFile`, the in-cluster service-account token), which is re-read at least every 60 s and
// right after a 401, because the kubelet rotates projected tokens (client-go's cachingTokenSource).
// Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/error.h"

namespace orderops::kube {

class TokenSource {
 public:
  static constexpr Duration kRefreshPeriod = std::chrono::seconds(60);

  TokenSource(std::string fixed_token, std::string token_file, const Clock& clock);

  // The current token; empty when there is none. Reads the file when the cached copy is older
  // than kRefreshPeriod; a read failure keeps the last good token.
  Result<std::string> token();
  // Forgets the cached file token so the next token() reads the file (after a 401). Returns true
  // when the token comes from a file (so a retry can help).
  bool invalidate();
  bool from_file() const { return !file_.empty(); }

 private:
  const std::string fixed_;
  const std::string file_;
  const Clock& clock_;
  std::mutex mu_;
  std::string cached_;
  bool have_cached_ = false;
  MonotonicTime read_at_{};
};

}  // namespace orderops::kube
