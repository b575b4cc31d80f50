// Time for everything in OrderOps comes through a Clock (house rule 2), so tests can drive
// schedules, leases, backoff and deadlines with a FakeClock that advances instantly. SystemTime is
// wall time to show users and compare with cron slots; MonotonicTime measures intervals.
// Implementations are thread-safe.
#pragma once

#include <chrono>
#include <stop_token>

namespace orderops {

using SystemTime = std::chrono::system_clock::time_point;
using MonotonicTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime now() const = 0;
  virtual MonotonicTime monotonic() const = 0;
  // Blocks until monotonic() >= deadline or stop is requested. Returns false when stopped.
  virtual bool sleep_until(MonotonicTime deadline, std::stop_token stop) const = 0;
  bool sleep_for(Duration d, std::stop_token stop) const {
    return sleep_until(monotonic() + d, std::move(stop));
  }
};

// The real clocks of the machine.
class SystemClock final : public Clock {
 public:
  SystemTime now() const override;
  MonotonicTime monotonic() const override;
  bool sleep_until(MonotonicTime deadline, std::stop_token stop) const override;
};

}  // namespace orderops
