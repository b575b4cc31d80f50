// Fault injection for the API port, driven by the admin endpoint: the next N requests matching a
// method and/or path prefix answer a chosen status (409, 429 with Retry-After, 500, ...) or hang
// for a while first; plus a latency added to matching requests. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace orderops::apiserver {

struct FaultRule {
  std::string method;       // "" matches every method
  std::string path_prefix;  // "" matches every path
  int remaining = 1;
  int status = 0;  // 0: no error answer (hang only)
  int retry_after_seconds = 1;
  std::chrono::milliseconds hang{0};
};

struct Latency {
  std::string method;
  std::string path_prefix;
  std::chrono::milliseconds delay{0};
};

class FaultInjector {
 public:
  void add(FaultRule rule);
  void set_latency(Latency latency);
  void clear();
  // Consumes one use of the first matching rule.
  std::optional<FaultRule> take(const std::string& method, const std::string& path);
  std::chrono::milliseconds latency(const std::string& method, const std::string& path) const;
  // Sleeps up to `d`; returns early once stop() was called.
  void sleep_for(std::chrono::milliseconds d);
  void stop();
  nlohmann::json describe() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::vector<FaultRule> rules_;
  std::optional<Latency> latency_;
};

}  // namespace orderops::apiserver
