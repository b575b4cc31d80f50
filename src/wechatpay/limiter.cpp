#include "wechatpay/limiter.h"

#include <algorithm>

namespace orderops::wechatpay {
namespace {

double burst_for(double rate) { return std::max(1.0, rate); }

}  // namespace

MerchantLimiter::Permit& MerchantLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void MerchantLimiter::Permit::reset() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->release();
}

MerchantLimiter::MerchantLimiter(const Clock& clock, double requests_per_second, int max_concurrent)
    : clock_(clock),
      rate_(std::max(requests_per_second, 1e-3)),
      burst_(burst_for(rate_)),
      tokens_(burst_),
      last_refill_(clock.monotonic()),
      max_concurrent_(std::max(max_concurrent, 1)) {}

void MerchantLimiter::refill(MonotonicTime now) {
  const std::chrono::duration<double> elapsed = now - last_refill_;
  if (elapsed.count() > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    last_refill_ = now;
  }
}

Result<MerchantLimiter::Permit> MerchantLimiter::acquire(std::stop_token stop) {
  std::unique_lock lock(mu_);
  if (!slot_freed_.wait(lock, stop, [&] { return in_flight_ < max_concurrent_; })) {
    return make_error(ErrorCode::kCancelled, "cancelled while waiting for a request slot");
  }
  ++in_flight_;
  Permit permit(this);
  refill(clock_.monotonic());
  tokens_ -= 1.0;
  const double deficit = -tokens_;
  const double rate = rate_;
  lock.unlock();
  if (deficit > 0) {
    const auto wait =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(deficit / rate));
    if (!clock_.sleep_for(wait, stop)) {
      std::lock_guard relock(mu_);
      tokens_ += 1.0;  // give the reservation back
      return make_error(ErrorCode::kCancelled, "cancelled while waiting for the rate limit");
    }
  }
  return permit;
}

void MerchantLimiter::set_limits(double requests_per_second, int max_concurrent) {
  {
    std::lock_guard lock(mu_);
    refill(clock_.monotonic());
    rate_ = std::max(requests_per_second, 1e-3);
    burst_ = burst_for(rate_);
    tokens_ = std::min(tokens_, burst_);
    max_concurrent_ = std::max(max_concurrent, 1);
  }
  slot_freed_.notify_all();
}

int MerchantLimiter::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

void MerchantLimiter::release() {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  slot_freed_.notify_one();
}

}  // namespace orderops::wechatpay
