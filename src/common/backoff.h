// Jittered exponential backoff (client-go's wait.Backoff shape): each step waits
// min(cap, initial * factor^n) plus up to `jitter` times that, drawn from a seeded generator so
// tests are repeatable. Not thread-safe: one Backoff per retry loop.
#pragma once

#include <cstdint>
#include <random>

#include "common/clock.h"

namespace orderops {

struct BackoffPolicy {
  Duration initial;
  Duration cap;
  double factor = 2.0;
  double jitter = 0.0;  // 1.0 means the wait lies in [d, 2d)
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, std::uint64_t seed);

  // The wait before the next attempt; advances the step.
  Duration next();
  void reset();
  int attempts() const { return attempts_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 random_;
  Duration current_;
  int attempts_ = 0;
};

}  // namespace orderops
