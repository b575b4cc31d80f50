#include "metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>
#include <tuple>

namespace orderops::metrics {
namespace {

constexpr std::string_view kStatuses[] = {"True", "False", "Unknown"};

// Reconciles are mostly milliseconds; long ones (status writes during an API outage) run to
// minutes.
prometheus::Histogram::BucketBoundaries reconcile_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

}  // namespace

struct Metrics::Impl {
  Impl()
      : registry(std::make_shared<prometheus::Registry>()),
        leader(prometheus::BuildGauge()
                   .Name("orderops_leader")
                   .Help("1 when this replica holds the leader lease")
                   .Register(*registry)
                   .Add({})),
        reconcile_total(prometheus::BuildCounter()
                            .Name("orderops_reconcile_total")
                            .Help("Reconciles by kind and result")
                            .Register(*registry)),
        reconcile_duration(prometheus::BuildHistogram()
                               .Name("orderops_reconcile_duration_seconds")
                               .Help("Time spent in one reconcile")
                               .Register(*registry)),
        workqueue_depth(prometheus::BuildGauge()
                            .Name("orderops_workqueue_depth")
                            .Help("Keys ready in the work queue")
                            .Register(*registry)),
        resource_condition(prometheus::BuildGauge()
                               .Name("orderops_resource_condition")
                               .Help("1 for the current status of each resource condition")
                               .Register(*registry)) {}

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Gauge& leader;
  prometheus::Family<prometheus::Counter>& reconcile_total;
  prometheus::Family<prometheus::Histogram>& reconcile_duration;
  prometheus::Family<prometheus::Gauge>& workqueue_depth;
  prometheus::Family<prometheus::Gauge>& resource_condition;
  // The condition types seen per resource, so forget_resource() can remove their series.
  std::mutex mu;
  std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, bool>> seen;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

prometheus::Registry& Metrics::registry() { return *impl_->registry; }
std::shared_ptr<prometheus::Registry> Metrics::shared_registry() { return impl_->registry; }

void Metrics::set_leader(bool leading) { impl_->leader.Set(leading ? 1 : 0); }

void Metrics::observe_reconcile(std::string_view kind, std::string_view result, Duration took) {
  impl_->reconcile_total.Add({{"kind", std::string(kind)}, {"result", std::string(result)}})
      .Increment();
  impl_->reconcile_duration.Add({{"kind", std::string(kind)}}, reconcile_buckets())
      .Observe(std::chrono::duration<double>(took).count());
}

void Metrics::set_workqueue_depth(std::string_view kind, std::size_t depth) {
  impl_->workqueue_depth.Add({{"kind", std::string(kind)}}).Set(static_cast<double>(depth));
}

void Metrics::set_resource_condition(std::string_view kind, std::string_view ns,
                                     std::string_view name, std::string_view type,
                                     std::string_view status) {
  for (auto s : kStatuses) {
    impl_->resource_condition
        .Add({{"kind", std::string(kind)},
              {"namespace", std::string(ns)},
              {"name", std::string(name)},
              {"type", std::string(type)},
              {"status", std::string(s)}})
        .Set(s == status ? 1 : 0);
  }
  std::lock_guard lock(impl_->mu);
  impl_->seen[{std::string(kind), std::string(ns), std::string(name)}][std::string(type)] = true;
}

void Metrics::forget_resource(std::string_view kind, std::string_view ns, std::string_view name) {
  std::map<std::string, bool> types;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->seen.find({std::string(kind), std::string(ns), std::string(name)});
    if (it == impl_->seen.end()) return;
    types = std::move(it->second);
    impl_->seen.erase(it);
  }
  for (const auto& [type, unused] : types) {
    for (auto s : kStatuses) {
      auto& gauge = impl_->resource_condition.Add({{"kind", std::string(kind)},
                                                   {"namespace", std::string(ns)},
                                                   {"name", std::string(name)},
                                                   {"type", type},
                                                   {"status", std::string(s)}});
      impl_->resource_condition.Remove(&gauge);
    }
  }
}

std::string Metrics::serialize() const {
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace orderops::metrics
