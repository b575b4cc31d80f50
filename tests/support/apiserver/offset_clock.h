// The server's clock: the machine's clock shifted by an offset the admin endpoint can set, so
// tests can make creationTimestamps and ages (Table "Age" columns) deterministic enough, or move
// time forward for lease-expiry scenarios. Thread-safe.
#pragma once

#include <atomic>

#include "common/clock.h"

namespace orderops::apiserver {

class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock& base) : base_(base) {}
  SystemTime now() const override { return base_.now() + std::chrono::seconds(offset_.load()); }
  MonotonicTime monotonic() const override { return base_.monotonic(); }
  bool sleep_until(MonotonicTime deadline, std::stop_token stop) const override {
    return base_.sleep_until(deadline, std::move(stop));
  }
  void set_offset(std::chrono::seconds offset) { offset_ = offset.count(); }
  std::chrono::seconds offset() const { return std::chrono::seconds(offset_.load()); }

 private:
  const Clock& base_;
  std::atomic<long long> offset_{0};
};

}  // namespace orderops::apiserver
