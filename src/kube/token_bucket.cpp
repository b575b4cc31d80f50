#include "kube/token_bucket.h"

#include <algorithm>

namespace orderops::kube {

TokenBucket::TokenBucket(double rate, int burst, const Clock& clock)
    : rate_(rate), burst_(burst), clock_(clock), tokens_(burst), last_(clock.monotonic()) {}

void TokenBucket::refill_locked(MonotonicTime now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

Duration TokenBucket::reserve() {
  if (rate_ <= 0) return Duration::zero();
  std::lock_guard lock(mu_);
  refill_locked(clock_.monotonic());
  tokens_ -= 1.0;
  if (tokens_ >= 0) return Duration::zero();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(-tokens_ / rate_));
}

bool TokenBucket::try_take() {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  refill_locked(clock_.monotonic());
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace orderops::kube
