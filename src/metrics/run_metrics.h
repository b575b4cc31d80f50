// Metrics of runs and of what the jobs did (api.md section 6): orderops_runs_total,
// orderops_run_duration_seconds, orderops_last_run_timestamp_seconds,
// orderops_last_success_timestamp_seconds, orderops_schedule_lateness_seconds and the
// orderops_aftersales_* families. Registered once on the Metrics registry. Labels carry only
// namespace, name, task, outcome, trigger and states: never DSNs, keys or personal data.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "common/clock.h"

namespace orderops::metrics {

class Metrics;

struct RunObservation {
  std::string_view ns;
  std::string_view name;
  std::string_view task;     // aftersales, sync, download_bill, retry, unfreeze
  std::string_view outcome;  // Succeeded, Failed, ...
  std::string_view trigger;  // Schedule, Manual
  Duration duration{};
  SystemTime completed{};
  bool succeeded = false;
  // actual start minus slot, for scheduled runs
  std::optional<Duration> lateness;
};

class RunMetrics {
 public:
  explicit RunMetrics(Metrics& metrics);
  ~RunMetrics();
  RunMetrics(const RunMetrics&) = delete;
  RunMetrics& operator=(const RunMetrics&) = delete;

  void observe_run(const RunObservation& run);
  // orderops_aftersales_transitions_total{from,to} += count.
  void add_aftersales_transitions(std::string_view ns, std::string_view name, std::string_view from,
                                  std::string_view to, std::int64_t count);
  // orderops_aftersales_backlog{state} and orderops_aftersales_oldest_overdue_seconds.
  void set_aftersales_backlog(std::string_view ns, std::string_view name, std::string_view state,
                              std::int64_t overdue);
  void set_aftersales_oldest_overdue(std::string_view ns, std::string_view name,
                                     std::int64_t seconds);

  // The profit-share counter of `task` (orders_synced{state}, bill_downloads{outcome},
  // receiver_retries{outcome}, unfreeze{outcome}) += value; task is the metrics task name.
  void add_profitshare(std::string_view ns, std::string_view name, std::string_view task,
                       std::string_view label, std::int64_t value);
  void set_profitshare_orders_stuck(std::string_view ns, std::string_view name, std::int64_t n);
  void set_profitshare_receivers_finally_failed(std::string_view ns, std::string_view name,
                                                std::int64_t n);
  // orderops_wechatpay_requests_total{endpoint,code} and the duration histogram{endpoint}.
  void observe_wechatpay_request(std::string_view endpoint, std::string_view code, Duration took);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::metrics
