#include "runtime/backoff_manager.h"

namespace orderops::runtime {

BackoffManager::BackoffManager(BackoffPolicy policy, Duration reset_after, const Clock& clock,
                               std::uint64_t seed)
    : backoff_(policy, seed), reset_after_(reset_after), clock_(clock) {}

Duration BackoffManager::next() {
  const MonotonicTime now = clock_.monotonic();
  if (last_start_ && now - *last_start_ > reset_after_) backoff_.reset();
  last_start_ = now;
  return backoff_.next();
}

}  // namespace orderops::runtime
