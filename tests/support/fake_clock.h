// A Clock for tests: time stands still until advance() moves it, which wakes every sleeper whose
// deadline has come. No test waits on real time. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "common/clock.h"

namespace orderops::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start = SystemTime(std::chrono::seconds(1'795'000'000)))
      : now_(start), mono_(MonotonicTime(std::chrono::hours(1))) {}

  SystemTime now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  MonotonicTime monotonic() const override {
    std::lock_guard lock(mu_);
    return mono_;
  }
  bool sleep_until(MonotonicTime deadline, std::stop_token stop) const override {
    std::unique_lock lock(mu_);
    ++sleepers_;
    cv_.notify_all();
    cv_.wait(lock, stop, [&] { return mono_ >= deadline; });
    --sleepers_;
    return !stop.stop_requested();
  }

  void advance(Duration d) {
    {
      std::lock_guard lock(mu_);
      now_ += std::chrono::duration_cast<SystemTime::duration>(d);
      mono_ += std::chrono::duration_cast<MonotonicTime::duration>(d);
    }
    cv_.notify_all();
  }
  // Moves wall time only (a clock step, as NTP may do); monotonic time is unaffected.
  void set_now(SystemTime t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  // Blocks until at least n threads sleep on this clock: lets a test advance time only once the
  // code under test is waiting, without sleeping itself.
  void await_sleepers(int n) const {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return sleepers_ >= n; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable_any cv_;
  SystemTime now_;
  MonotonicTime mono_;
  mutable int sleepers_ = 0;
};

}  // namespace orderops::testing
