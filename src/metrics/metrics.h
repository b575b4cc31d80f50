// The operator's Prometheus metrics (api.md section 6) on one registry built by the
// composition root; later modules add their families to registry(). Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace orderops::metrics {

// The operator's Prometheus metrics (api.md section 6) on one registry built by the composition
// root (no global registry). The runtime-owned families are methods here; later modules add their
// own families to registry() (prometheus-cpp BuildCounter()/BuildGauge()/BuildHistogram()), and
// pass the Metrics object down. Never put secrets, DSNs or personal data in labels.
// Thread-safe.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The registry served on /metrics; modules register their families on it once, at wiring.
  prometheus::Registry& registry();
  std::shared_ptr<prometheus::Registry> shared_registry();

  // orderops_leader: 1 while this replica leads.
  void set_leader(bool leading);
  // orderops_reconcile_total{kind,result} and orderops_reconcile_duration_seconds{kind}.
  void observe_reconcile(std::string_view kind, std::string_view result, Duration took);
  // orderops_workqueue_depth{kind}.
  void set_workqueue_depth(std::string_view kind, std::size_t depth);
  // orderops_resource_condition{kind,namespace,name,type,status}: 1 on `status`, 0 on the other
  // two of True/False/Unknown (kube-state-metrics style).
  void set_resource_condition(std::string_view kind, std::string_view ns, std::string_view name,
                              std::string_view type, std::string_view status);
  // Drops every condition series of a deleted resource.
  void forget_resource(std::string_view kind, std::string_view ns, std::string_view name);

  // The Prometheus text exposition of everything registered (what /metrics serves).
  std::string serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::metrics
