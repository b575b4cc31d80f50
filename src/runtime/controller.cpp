#include "runtime/controller.h"

#include <exception>
#include <thread>

namespace orderops::runtime {
namespace {

std::int64_t ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

Controller::Controller(ControllerConfig config, Reconciler& reconciler, const Clock& clock,
                       Logger log, ControllerHooks hooks, std::unique_ptr<RateLimiter> limiter)
    : config_(std::move(config)),
      reconciler_(reconciler),
      clock_(clock),
      log_(log.with({{"controller", config_.kind}})),
      hooks_(std::move(hooks)),
      queue_(clock, limiter ? std::move(limiter) : make_default_controller_rate_limiter(clock),
             hooks_.queue_depth) {}

void Controller::watch(Informer& informer, std::function<bool(const InformerEvent&)> filter) {
  if (primary_ == nullptr) primary_ = &informer;
  synced_by_.push_back(&informer);
  informer.add_handler([this, filter = std::move(filter)](const InformerEvent& event) {
    if (filter && !filter(event)) return;
    queue_.add(kube::key_of(*event.object).to_string());
  });
}

void Controller::watch_mapped(
    Informer& informer, std::function<std::vector<kube::ObjectKey>(const InformerEvent&)> map) {
  synced_by_.push_back(&informer);
  informer.add_handler([this, map = std::move(map)](const InformerEvent& event) {
    for (const auto& key : map(event)) queue_.add(key.to_string());
  });
}

bool Controller::run(std::stop_token stop) {
  for (Informer* informer : synced_by_) {
    if (!informer->wait_for_sync(stop)) return false;
  }
  // A replica that just became leader reconciles everything it already knows.
  if (primary_ != nullptr) {
    for (const auto& key : primary_->store().keys()) queue_.add(key.to_string());
  }
  log_.info("starting workers", {{"workers", config_.max_concurrent_reconciles}});
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < std::max(1, config_.max_concurrent_reconciles); ++i) {
      workers.emplace_back([this, stop] {
        while (!stop.stop_requested() && process_next(stop)) {
        }
      });
    }
  }  // joins: each worker returns once `stop` fires
  log_.info("workers stopped");
  return true;
}

bool Controller::process_next(std::stop_token stop) {
  auto key = queue_.get(stop);
  if (!key) return false;
  handle(*key, stop);
  queue_.done(*key);
  return true;
}

void Controller::handle(const std::string& key_text, std::stop_token stop) {
  auto key = kube::ObjectKey::parse(key_text);
  if (!key) {
    queue_.forget(key_text);
    return;
  }
  const MonotonicTime start = clock_.monotonic();
  Result<Action> result = make_error(ErrorCode::kInternal, "reconcile did not run");
  try {
    result = reconciler_.reconcile(*key, stop);
  } catch (const std::exception& e) {
    // controller-runtime's RecoverPanic: a throwing reconciler is a failed reconcile.
    result = make_error(ErrorCode::kInternal, std::string("reconcile threw: ") + e.what());
  }
  const Duration took = clock_.monotonic() - start;
  std::string_view label;
  if (!result) {
    label = "error";
    const Action policy = reconciler_.error_policy(*key, result.error());
    log_.error("reconcile failed", {{"key", key_text},
                                    {"error", result.error().to_string()},
                                    {"requeues", queue_.num_requeues(key_text)}});
    if (policy.kind() == Action::Kind::kRequeueRateLimited) {
      queue_.add_rate_limited(key_text);
    } else if (policy.kind() == Action::Kind::kRequeueAfter) {
      queue_.add_after(key_text, policy.after());
    }  // kAwaitChange: a terminal error, no requeue
  } else if (result->kind() == Action::Kind::kRequeueAfter && result->after() > Duration::zero()) {
    label = "requeue_after";
    queue_.forget(key_text);
    queue_.add_after(key_text, result->after());
  } else if (result->kind() == Action::Kind::kRequeueRateLimited) {
    label = "requeue";
    queue_.add_rate_limited(key_text);
  } else {
    label = "success";
    queue_.forget(key_text);
  }
  log_.debug("reconciled", {{"key", key_text}, {"result", label}, {"took_ms", ms(took)}});
  if (hooks_.reconciled) hooks_.reconciled(label, took);
}

}  // namespace orderops::runtime
