// What a controller runs for each key (kube-rs Controller shape): reconcile(key) returns an Action
// or an Error, and error_policy(key, error) decides what a failure means, apart from the
// reconciler's logic. Implementations must be thread-safe across keys: the controller never runs
// two reconciles of one key at once, but does run different keys in parallel when configured.
#pragma once

#include <stop_token>

#include "common/clock.h"
#include "common/error.h"
#include "kube/object.h"

namespace orderops::runtime {

class Action {
 public:
  enum class Kind { kAwaitChange, kRequeueAfter, kRequeueRateLimited };

  // Done until the object (or something mapped to it) changes.
  static Action await_change() { return Action(Kind::kAwaitChange, {}); }
  // Run again after `after` (a periodic check, the next cron slot).
  static Action requeue(Duration after) { return Action(Kind::kRequeueAfter, after); }
  // Run again after the rate limiter's backoff (controller-runtime's Result{Requeue: true}).
  static Action requeue_rate_limited() { return Action(Kind::kRequeueRateLimited, {}); }

  Kind kind() const { return kind_; }
  Duration after() const { return after_; }
  bool operator==(const Action&) const = default;

 private:
  Action(Kind kind, Duration after) : kind_(kind), after_(after) {}
  Kind kind_;
  Duration after_;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;

  // Brings the world in line with the object behind `key` (read it from the cache; it may be
  // gone). `stop` is the leader-only token: it fires when leadership ends or the manager stops,
  // and long work must give up then.
  virtual Result<Action> reconcile(const kube::ObjectKey& key, std::stop_token stop) = 0;

  // After reconcile failed: requeue_rate_limited() (the default, client-go's AddRateLimited),
  // requeue(d) for a fixed wait, or await_change() for a terminal error that only a change of
  // the object can fix.
  virtual Action error_policy(const kube::ObjectKey& key, const Error& error) {
    (void)key;
    (void)error;
    return Action::requeue_rate_limited();
  }
};

}  // namespace orderops::runtime
