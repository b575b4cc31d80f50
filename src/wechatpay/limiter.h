// Per-merchant request limits (spec requestsPerSecond, maxConcurrentRequests): a token bucket
// and a concurrency cap shared by every task of one merchant, so four jobs running at once still
// stay under the merchant's budget. Waits use the injected Clock. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <utility>

#include "common/clock.h"
#include "common/error.h"

namespace orderops::wechatpay {

class MerchantLimiter {
 public:
  // Holds one concurrency slot (and has consumed one token) until destroyed.
  class Permit {
   public:
    Permit() = default;
    explicit Permit(MerchantLimiter* owner) : owner_(owner) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { reset(); }
    void reset();

   private:
    MerchantLimiter* owner_ = nullptr;
  };

  // `requests_per_second` > 0 (burst: one second's worth, at least 1); `max_concurrent` >= 1.
  MerchantLimiter(const Clock& clock, double requests_per_second, int max_concurrent);
  MerchantLimiter(const MerchantLimiter&) = delete;
  MerchantLimiter& operator=(const MerchantLimiter&) = delete;

  // Blocks for a free slot, then for a token. kCancelled when `stop` fires first.
  Result<Permit> acquire(std::stop_token stop);
  // The spec may change while tasks run; takes effect for the next acquire.
  void set_limits(double requests_per_second, int max_concurrent);
  int in_flight() const;

 private:
  void release();
  void refill(MonotonicTime now);

  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable_any slot_freed_;
  double rate_;
  double burst_;
  double tokens_;  // may go below zero: a reservation the caller is sleeping off
  MonotonicTime last_refill_;
  int max_concurrent_;
  int in_flight_ = 0;
};

}  // namespace orderops::wechatpay
