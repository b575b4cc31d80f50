// The AftersalesTimeoutPolicy reconciler (api.md 1.2-5, jobs.md 2): for one policy it observes
// the spec, its database Secret, the database and the runs in flight; decides (decide_task,
// readiness); fences and starts a run when one is due; and writes status once. Runs execute on
// the shared RunPool; when one ends its record waits in the RunLedger and the policy is requeued
// so the next reconcile folds it into status. Thread-safe: the controller never reconciles one
// key twice at once, and different keys share only thread-safe collaborators.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aftersales/config.h"
#include "aftersales/run_context.h"
#include "aftersales/run_result.h"
#include "api/aftersales_timeout_policy.h"
#include "api/run_status.h"
#include "common/clock.h"
#include "common/log.h"
#include "kube/object.h"
#include "kube/resource.h"
#include "reconcile/database_probe.h"
#include "reconcile/readiness.h"
#include "reconcile/resource_support.h"
#include "reconcile/run_ledger.h"
#include "reconcile/secret_source.h"
#include "reconcile/task_decision.h"
#include "runs/run_pool.h"
#include "runtime/event_correlator.h"
#include "runtime/reconciler.h"
#include "runtime/status_writer.h"
#include "runtime/store.h"

namespace orderops::reconcile {

// Runs the job once against `database_url` (the real one opens a PostgreSQL store).
using AftersalesJob = std::function<aftersales::AftersalesRunResult(
    const aftersales::AftersalesJobConfig& config, const std::string& database_url,
    const aftersales::RunContext& ctx)>;
AftersalesJob make_pg_aftersales_job();

// Observers for metrics; any may be empty.
struct AtpHooks {
  ConditionSink condition_set;
  std::function<void(const kube::ObjectKey&)> resource_gone;
  std::function<void(const kube::ObjectKey&, const api::RunRecord&)> run_finished;
  std::function<void(const kube::ObjectKey&, const aftersales::AftersalesRunResult&)> job_result;
};

struct AtpReconcilerDeps {
  kube::ResourceType type;  // orderops.io/v1alpha1 aftersalestimeoutpolicies
  const runtime::Store& policies;
  const SecretSource& secrets;
  DatabaseProbe& database;
  runs::RunPool& pool;
  RunLedger& ledger;
  runtime::StatusWriter& status;
  EventSink events;
  AftersalesJob job;
  // Puts a policy back on the work queue (a run ended).
  std::function<void(const kube::ObjectKey&)> enqueue;
  const Clock& clock;
  Logger log;
  AtpHooks hooks;
};

class AtpReconciler final : public runtime::Reconciler {
 public:
  explicit AtpReconciler(AtpReconcilerDeps deps) : d_(std::move(deps)) {}
  Result<runtime::Action> reconcile(const kube::ObjectKey& key, std::stop_token stop) override;

 private:
  struct Observed;
  Observed observe(const kube::Json& object, std::stop_token stop) const;
  Result<TaskDecision> decide(const api::AftersalesTimeoutPolicy& policy,
                              const api::AftersalesTimeoutPolicyStatus& stored,
                              const std::string& owner, SystemTime now) const;
  void start_run(const kube::Json& object, const Observed& o, const StartRun& start);
  void on_finished(const kube::ObjectKey& key, const runtime::ObjectReference& ref,
                   const api::RunRecord& record, const aftersales::AftersalesRunResult& result);

  AtpReconcilerDeps d_;
};

// The policies in the Secret's namespace whose spec.database.secretRef names it: a Secret change
// re-reconciles them (a fixed password, a rotated URI).
std::vector<kube::ObjectKey> policies_using_secret(const runtime::Store& policies,
                                                   const kube::Json& secret);

}  // namespace orderops::reconcile
