// The controller loop: workers take keys from a WorkQueue and map reconcile outcomes to queue
// actions exactly as client-go's processNextWorkItem does. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "runtime/informer.h"
#include "runtime/reconciler.h"
#include "runtime/workqueue.h"

namespace orderops::runtime {

struct ControllerConfig {
  std::string kind;  // names the controller in logs and metrics ("AftersalesTimeoutPolicy")
  int max_concurrent_reconciles = 1;
};

// Observability hooks (the runtime does not depend on the metrics module; wiring connects them).
struct ControllerHooks {
  // After every reconcile: result is success, error, requeue or requeue_after.
  std::function<void(std::string_view result, Duration took)> reconciled;
  std::function<void(std::size_t depth)> queue_depth;
};

// The controller loop: workers take keys from a WorkQueue and map each outcome exactly as
// controller-runtime's reconcileHandler / client-go processNextWorkItem do:
//   error           -> error_policy: rate-limited requeue (default), fixed requeue, or none
//   requeue(d > 0)  -> forget + add_after(d)          result "requeue_after"
//   rate-limited    -> add_rate_limited               result "requeue"
//   await_change    -> forget                         result "success"
// and always done(key). MaxConcurrentReconciles defaults to 1; the queue guarantees one worker
// per key. Workers start once the watched caches have synced. Thread-safe.
class Controller {
 public:
  Controller(ControllerConfig config, Reconciler& reconciler, const Clock& clock, Logger log,
             ControllerHooks hooks = {}, std::unique_ptr<RateLimiter> limiter = nullptr);
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& kind() const { return config_.kind; }
  WorkQueue& queue() { return queue_; }

  // Every add, update and delete of the informer's objects enqueues the object's key, and
  // run() waits for this informer's cache before starting workers. With `filter`, only events it
  // accepts enqueue (controller-runtime's predicates).
  void watch(Informer& informer, std::function<bool(const InformerEvent&)> filter = {});
  // Enqueues keys chosen by `map` for each event (e.g. the owners of a changed Secret).
  void watch_mapped(Informer& informer,
                    std::function<std::vector<kube::ObjectKey>(const InformerEvent&)> map);

  // Waits for the watched caches, enqueues every cached primary object, then runs the workers
  // until `stop`. Returns false when stopped before the caches synced.
  bool run(std::stop_token stop);
  // Takes one key and reconciles it; false when the queue gave nothing (stop or shutdown).
  bool process_next(std::stop_token stop);

 private:
  void handle(const std::string& key, std::stop_token stop);

  const ControllerConfig config_;
  Reconciler& reconciler_;
  const Clock& clock_;
  Logger log_;
  ControllerHooks hooks_;
  WorkQueue queue_;
  std::vector<Informer*> synced_by_;
  Informer* primary_ = nullptr;
};

}  // namespace orderops::runtime
