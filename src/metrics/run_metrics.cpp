#include "metrics/run_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "metrics/metrics.h"

namespace orderops::metrics {
namespace {

using Labels = std::map<std::string, std::string>;

double seconds_of(Duration d) { return std::chrono::duration<double>(d).count(); }

// Runs take from milliseconds (nothing overdue) to the activeDeadlineSeconds default of 300 s.
prometheus::Histogram::BucketBoundaries duration_buckets() {
  return {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
}
// Lateness should be well under a second; minutes mean a backlog of runs or a stuck leader.
prometheus::Histogram::BucketBoundaries lateness_buckets() {
  return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300};
}

}  // namespace

struct RunMetrics::Impl {
  explicit Impl(prometheus::Registry& r)
      : runs_total(prometheus::BuildCounter()
                       .Name("orderops_runs_total")
                       .Help("Runs finished, by outcome and trigger.")
                       .Register(r)),
        run_duration(prometheus::BuildHistogram()
                         .Name("orderops_run_duration_seconds")
                         .Help("Wall time of finished runs.")
                         .Register(r)),
        last_run(prometheus::BuildGauge()
                     .Name("orderops_last_run_timestamp_seconds")
                     .Help("Completion time of the last run (Unix seconds).")
                     .Register(r)),
        last_success(prometheus::BuildGauge()
                         .Name("orderops_last_success_timestamp_seconds")
                         .Help("Completion time of the last successful run (Unix seconds).")
                         .Register(r)),
        lateness(prometheus::BuildHistogram()
                     .Name("orderops_schedule_lateness_seconds")
                     .Help("Actual start of scheduled runs minus their slot.")
                     .Register(r)),
        transitions(prometheus::BuildCounter()
                        .Name("orderops_aftersales_transitions_total")
                        .Help("After-sales rows moved from one state to another by OrderOps.")
                        .Register(r)),
        backlog(prometheus::BuildGauge()
                    .Name("orderops_aftersales_backlog")
                    .Help("Overdue after-sales rows per state, measured after the last run.")
                    .Register(r)),
        oldest(prometheus::BuildGauge()
                   .Name("orderops_aftersales_oldest_overdue_seconds")
                   .Help("Age of the oldest overdue after-sales deadline after the last run.")
                   .Register(r)),
        synced(counter(r, "orderops_profitshare_orders_synced_total",
                       "Profit-sharing orders whose state sync stored, by state.")),
        bills(counter(r, "orderops_profitshare_bill_downloads_total",
                      "Profit-sharing bill dates handled, by outcome.")),
        retries(counter(r, "orderops_profitshare_receiver_retries_total",
                        "Closed receivers handled by retry, by outcome.")),
        unfreezes(counter(r, "orderops_profitshare_unfreeze_total",
                          "Finished split orders handled by unfreeze, by outcome.")),
        stuck(prometheus::BuildGauge()
                  .Name("orderops_profitshare_orders_stuck")
                  .Help("PROCESSING orders older than sync.timeoutHours after the last sync.")
                  .Register(r)),
        finally_failed(prometheus::BuildGauge()
                           .Name("orderops_profitshare_receivers_finally_failed")
                           .Help("Receivers finally failed within retry.lookbackDays.")
                           .Register(r)),
        wechat_requests(counter(r, "orderops_wechatpay_requests_total",
                                "WeChat Pay API attempts, by endpoint and HTTP status or code.")),
        wechat_duration(prometheus::BuildHistogram()
                            .Name("orderops_wechatpay_request_duration_seconds")
                            .Help("Duration of WeChat Pay API attempts.")
                            .Register(r)) {}

  static prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& r,
                                                          const std::string& name,
                                                          const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r);
  }

  prometheus::Family<prometheus::Counter>& runs_total;
  prometheus::Family<prometheus::Histogram>& run_duration;
  prometheus::Family<prometheus::Gauge>& last_run;
  prometheus::Family<prometheus::Gauge>& last_success;
  prometheus::Family<prometheus::Histogram>& lateness;
  prometheus::Family<prometheus::Counter>& transitions;
  prometheus::Family<prometheus::Gauge>& backlog;
  prometheus::Family<prometheus::Gauge>& oldest;
  prometheus::Family<prometheus::Counter>& synced;
  prometheus::Family<prometheus::Counter>& bills;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Family<prometheus::Counter>& unfreezes;
  prometheus::Family<prometheus::Gauge>& stuck;
  prometheus::Family<prometheus::Gauge>& finally_failed;
  prometheus::Family<prometheus::Counter>& wechat_requests;
  prometheus::Family<prometheus::Histogram>& wechat_duration;
};

RunMetrics::RunMetrics(Metrics& metrics) : impl_(std::make_unique<Impl>(metrics.registry())) {}
RunMetrics::~RunMetrics() = default;

void RunMetrics::observe_run(const RunObservation& run) {
  const Labels resource{{"namespace", std::string(run.ns)},
                        {"name", std::string(run.name)},
                        {"task", std::string(run.task)}};
  Labels counted = resource;
  counted["outcome"] = std::string(run.outcome);
  counted["trigger"] = std::string(run.trigger);
  impl_->runs_total.Add(counted).Increment();
  impl_->run_duration.Add(resource, duration_buckets()).Observe(seconds_of(run.duration));
  const double completed = seconds_of(run.completed.time_since_epoch());
  impl_->last_run.Add(resource).Set(completed);
  if (run.succeeded) impl_->last_success.Add(resource).Set(completed);
  if (run.lateness) {
    impl_->lateness.Add({{"task", std::string(run.task)}}, lateness_buckets())
        .Observe(seconds_of(*run.lateness));
  }
}

void RunMetrics::add_aftersales_transitions(std::string_view ns, std::string_view name,
                                            std::string_view from, std::string_view to,
                                            std::int64_t count) {
  auto& c = impl_->transitions.Add({{"namespace", std::string(ns)},
                                    {"name", std::string(name)},
                                    {"from", std::string(from)},
                                    {"to", std::string(to)}});
  if (count > 0) c.Increment(static_cast<double>(count));
}

void RunMetrics::set_aftersales_backlog(std::string_view ns, std::string_view name,
                                        std::string_view state, std::int64_t overdue) {
  impl_->backlog
      .Add({{"namespace", std::string(ns)},
            {"name", std::string(name)},
            {"state", std::string(state)}})
      .Set(static_cast<double>(overdue));
}

void RunMetrics::set_aftersales_oldest_overdue(std::string_view ns, std::string_view name,
                                               std::int64_t seconds) {
  impl_->oldest.Add({{"namespace", std::string(ns)}, {"name", std::string(name)}})
      .Set(static_cast<double>(seconds));
}

void RunMetrics::add_profitshare(std::string_view ns, std::string_view name, std::string_view task,
                                 std::string_view label, std::int64_t value) {
  prometheus::Family<prometheus::Counter>* family = nullptr;
  std::string label_name = "outcome";
  if (task == "sync") {
    family = &impl_->synced;
    label_name = "state";
  } else if (task == "download_bill") {
    family = &impl_->bills;
  } else if (task == "retry") {
    family = &impl_->retries;
  } else if (task == "unfreeze") {
    family = &impl_->unfreezes;
  }
  if (family == nullptr) return;
  auto& c = family->Add({{"namespace", std::string(ns)},
                         {"name", std::string(name)},
                         {label_name, std::string(label)}});
  if (value > 0) c.Increment(static_cast<double>(value));
}

void RunMetrics::set_profitshare_orders_stuck(std::string_view ns, std::string_view name,
                                              std::int64_t n) {
  impl_->stuck.Add({{"namespace", std::string(ns)}, {"name", std::string(name)}})
      .Set(static_cast<double>(n));
}

void RunMetrics::set_profitshare_receivers_finally_failed(std::string_view ns,
                                                          std::string_view name, std::int64_t n) {
  impl_->finally_failed.Add({{"namespace", std::string(ns)}, {"name", std::string(name)}})
      .Set(static_cast<double>(n));
}

void RunMetrics::observe_wechatpay_request(std::string_view endpoint, std::string_view code,
                                           Duration took) {
  impl_->wechat_requests.Add({{"endpoint", std::string(endpoint)}, {"code", std::string(code)}})
      .Increment();
  impl_->wechat_duration.Add({{"endpoint", std::string(endpoint)}}, duration_buckets())
      .Observe(seconds_of(took));
}

}  // namespace orderops::metrics
