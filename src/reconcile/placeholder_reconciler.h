// A stand-in reconciler for both kinds until their real reconcilers land: it writes
// status.observedGeneration and a Ready condition (Unknown, ReconcilerPending) through /status,
// only when they differ from what is stored, so the runtime (cache, queue, leader-only workers,
// status writer) can be exercised end to end. Thread-safe.
#pragma once

#include <functional>
#include <stop_token>

#include "common/clock.h"
#include "common/log.h"
#include "kube/condition.h"
#include "kube/resource.h"
#include "runtime/reconciler.h"
#include "runtime/status_writer.h"
#include "runtime/store.h"

namespace orderops::reconcile {

struct PlaceholderHooks {
  // The Ready condition now stored for a resource (orderops_resource_condition).
  std::function<void(const kube::ObjectKey&, const kube::Condition&)> condition_set;
  // The resource is gone from the cache.
  std::function<void(const kube::ObjectKey&)> resource_gone;
};

class PlaceholderReconciler final : public runtime::Reconciler {
 public:
  PlaceholderReconciler(kube::ResourceType type, const runtime::Store& cache,
                        runtime::StatusWriter& status, const Clock& clock, Logger log,
                        PlaceholderHooks hooks = {});

  Result<runtime::Action> reconcile(const kube::ObjectKey& key, std::stop_token stop) override;

  // The status to store for `object`, or nullopt when the stored one is already right. Pure.
  static std::optional<kube::Json> desired_status(const kube::Json& object, SystemTime now);

 private:
  const kube::ResourceType type_;
  const runtime::Store& cache_;
  runtime::StatusWriter& status_;
  const Clock& clock_;
  Logger log_;
  PlaceholderHooks hooks_;
};

}  // namespace orderops::reconcile
