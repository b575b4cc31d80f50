#include "common/clock.h"

#include <condition_variable>
#include <mutex>

namespace orderops {

SystemTime SystemClock::now() const { return std::chrono::system_clock::now(); }

MonotonicTime SystemClock::monotonic() const { return std::chrono::steady_clock::now(); }

bool SystemClock::sleep_until(MonotonicTime deadline, std::stop_token stop) const {
  // A private mutex/condvar pair: nothing ever notifies it, only the stop_token wakes it early.
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace orderops
