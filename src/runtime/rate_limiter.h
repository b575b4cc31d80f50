// Rate limiters for requeues (client-go workqueue/default_rate_limiters.go). when(key) says how
// long to wait before retrying `key` and counts the failure; forget(key) resets its count.
// The default controller limiter is the max of a per-item exponential limiter (5 ms * 2^n,
// capped at 1000 s) and an overall token bucket (10 qps, burst 100). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "kube/token_bucket.h"

namespace orderops::runtime {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  virtual Duration when(const std::string& key) = 0;
  virtual void forget(const std::string& key) = 0;
  virtual int num_requeues(const std::string& key) const = 0;
};

class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  ItemExponentialRateLimiter(Duration base, Duration max) : base_(base), max_(max) {}
  Duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  int num_requeues(const std::string& key) const override;

 private:
  const Duration base_;
  const Duration max_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> failures_;
};

// The overall limiter: every when() reserves a token, whatever the key.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(double qps, int burst, const Clock& clock) : bucket_(qps, burst, clock) {}
  Duration when(const std::string&) override { return bucket_.reserve(); }
  void forget(const std::string&) override {}
  int num_requeues(const std::string&) const override { return 0; }

 private:
  kube::TokenBucket bucket_;
};

// The longest wait of all; num_requeues is the largest count.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
      : limiters_(std::move(limiters)) {}
  Duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  int num_requeues(const std::string& key) const override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

std::unique_ptr<RateLimiter> make_default_controller_rate_limiter(const Clock& clock);

}  // namespace orderops::runtime
