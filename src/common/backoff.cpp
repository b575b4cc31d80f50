#include "common/backoff.h"

#include <algorithm>

namespace orderops {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed)
    : policy_(policy), random_(seed), current_(policy.initial) {}

Duration Backoff::next() {
  Duration base = std::min(current_, policy_.cap);
  ++attempts_;
  const auto grown = std::chrono::duration<double, Duration::period>(current_) * policy_.factor;
  current_ = grown.count() >= static_cast<double>(policy_.cap.count())
                 ? policy_.cap
                 : std::chrono::duration_cast<Duration>(grown);
  if (policy_.jitter > 0) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    base += std::chrono::duration_cast<Duration>(
        std::chrono::duration<double, Duration::period>(base) * policy_.jitter * unit(random_));
  }
  return base;
}

void Backoff::reset() {
  current_ = policy_.initial;
  attempts_ = 0;
}

}  // namespace orderops
