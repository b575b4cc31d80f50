#include "apiserver/fault_injector.h"

namespace orderops::apiserver {

namespace {
bool matches(const std::string& method, const std::string& prefix, const std::string& m,
             const std::string& path) {
  return (method.empty() || method == m) && path.rfind(prefix, 0) == 0;
}
}  // namespace

void FaultInjector::add(FaultRule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(std::move(rule));
}

void FaultInjector::set_latency(Latency latency) {
  std::lock_guard lock(mu_);
  if (latency.delay.count() <= 0) {
    latency_.reset();
  } else {
    latency_ = std::move(latency);
  }
}

void FaultInjector::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
  latency_.reset();
}

std::optional<FaultRule> FaultInjector::take(const std::string& method, const std::string& path) {
  std::lock_guard lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!matches(it->method, it->path_prefix, method, path)) continue;
    FaultRule out = *it;
    if (--it->remaining <= 0) rules_.erase(it);
    return out;
  }
  return std::nullopt;
}

std::chrono::milliseconds FaultInjector::latency(const std::string& method,
                                                 const std::string& path) const {
  std::lock_guard lock(mu_);
  if (latency_ && matches(latency_->method, latency_->path_prefix, method, path)) {
    return latency_->delay;
  }
  return std::chrono::milliseconds(0);
}

void FaultInjector::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stopped_; });
}

void FaultInjector::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  cv_.notify_all();
}

nlohmann::json FaultInjector::describe() const {
  std::lock_guard lock(mu_);
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : rules_) {
    rules.push_back({{"method", r.method},
                     {"pathPrefix", r.path_prefix},
                     {"remaining", r.remaining},
                     {"status", r.status},
                     {"retryAfterSeconds", r.retry_after_seconds},
                     {"hangMilliseconds", r.hang.count()}});
  }
  nlohmann::json out = {{"faults", rules}};
  if (latency_) {
    out["latency"] = {{"method", latency_->method},
                      {"pathPrefix", latency_->path_prefix},
                      {"milliseconds", latency_->delay.count()}};
  }
  return out;
}

}  // namespace orderops::apiserver
