// A token bucket with reservations, as golang.org/x/time/rate.Limiter: `rate` tokens per second up
// to `burst`. reserve() always takes a token and says how long to wait until it is valid (the
// balance may go negative); try_take() takes one only if available now. Used for the client-side
// QPS limit and the workqueue's overall limiter. Thread-safe.
#pragma once

#include <mutex>

#include "common/clock.h"

namespace orderops::kube {

class TokenBucket {
 public:
  // The bucket starts full. rate <= 0 means unlimited.
  TokenBucket(double rate, int burst, const Clock& clock);

  // Takes a token; the delay before it may be used (zero when one was available).
  Duration reserve();
  // Takes a token if one is available now.
  bool try_take();

 private:
  void refill_locked(MonotonicTime now);

  const double rate_;
  const double burst_;
  const Clock& clock_;
  std::mutex mu_;
  double tokens_;
  MonotonicTime last_;
};

}  // namespace orderops::kube
