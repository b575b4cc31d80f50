#include "reconcile/atp_reconciler.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "aftersales/job.h"
#include "aftersales/pg_repository.h"
#include "aftersales/policy_config.h"
#include "api/annotations.h"
#include "api/codec.h"
#include "api/condition_types.h"
#include "api/event_reasons.h"
#include "api/task.h"
#include "reconcile/atp_status.h"
#include "reconcile/readiness.h"
#include "reconcile/resource_support.h"
#include "reconcile/run_folding.h"
#include "reconcile/task_decision.h"
#include "schedule/cron_schedule.h"
#include "schedule/time_zone.h"

namespace orderops::reconcile {
namespace {

namespace reasons = api::reasons;
namespace event_reasons = api::event_reasons;

// The stored status, or an empty one when it is missing or not decodable (hand-edited): status is
// ours to rebuild, a malformed one must not wedge the policy.
api::AftersalesTimeoutPolicyStatus stored_status(const kube::Json& object) {
  if (!object.contains("status")) return {};
  auto decoded = api::decode_aftersales_timeout_policy(status_shell(object));
  return decoded ? decoded->status : api::AftersalesTimeoutPolicyStatus{};
}

Result<api::AftersalesTimeoutPolicy> parse_policy(const kube::Json& object) {
  auto parsed = api::parse_aftersales_timeout_policy(without_status(object));
  if (!parsed) {
    Error e = parsed.error();
    e.reason = std::string(reasons::kInvalidSpec);
    return std::unexpected(e);
  }
  return parsed;
}

api::Counts backlog_measurements(const aftersales::AftersalesRunResult& r) {
  if (!r.backlog) return {};
  const auto& b = *r.backlog;
  return {{"pendingApproval", b.pending_approval},
          {"pendingReturn", b.pending_return},
          {"pendingReceive", b.pending_receive},
          {"total", b.total},
          {"oldestOverdueSeconds", b.oldest_overdue_seconds}};
}

}  // namespace

// Everything observed about one policy at the start of a reconcile.
struct AtpReconciler::Observed {
  std::optional<api::AftersalesTimeoutPolicy> policy;
  std::optional<aftersales::AftersalesJobConfig> config;
  std::string database_url;  // never logged or shown
  std::optional<Error> problem;
};

AtpReconciler::Observed AtpReconciler::observe(const kube::Json& object,
                                               std::stop_token stop) const {
  Observed o;
  auto policy = parse_policy(object);
  if (!policy) {
    o.problem = policy.error();
    return o;
  }
  o.policy = std::move(*policy);
  auto config = aftersales::config_from_spec(o.policy->spec);
  if (!config) {
    Error e = config.error();
    e.reason = std::string(reasons::kInvalidSpec);
    o.problem = e;
    return o;
  }
  o.config = std::move(*config);
  const auto& ref = o.policy->spec.database.secret_ref;
  auto url = database_url(d_.secrets, o.policy->metadata.namespace_name, ref.name, ref.key);
  if (!url) {
    o.problem = url.error();
    return o;
  }
  o.database_url = std::move(*url);
  pg::SchemaOptions schema;
  schema.aftersales_table = o.config->table;
  schema.aftersales_log_table = o.config->log_table;
  schema.parts = {pg::SchemaPart::kAftersales};
  if (auto ok = d_.database.probe(o.database_url, schema, stop); !ok) o.problem = ok.error();
  return o;
}

Result<runtime::Action> AtpReconciler::reconcile(const kube::ObjectKey& key, std::stop_token stop) {
  const std::string owner = run_owner(key, api::metric_name(api::Task::kAftersales));
  // 1. Load the policy from the cache; a deleted policy's runs stop and its records go.
  const kube::ObjectPtr object = d_.policies.get(key);
  if (!object) {
    d_.pool.cancel_owner(owner, runs::CancelReason::kDeleted);
    d_.ledger.forget(key.ns + "/" + key.name + "/");
    if (d_.hooks.resource_gone) d_.hooks.resource_gone(key);
    return runtime::Action::await_change();
  }
  const SystemTime now = d_.clock.now();
  const api::AftersalesTimeoutPolicyStatus stored = stored_status(*object);

  // 2. Observe spec, Secret and database.
  Observed o = observe(*object, stop);

  // 3. Decide what the task does now.
  TaskDecision decision;
  if (!o.problem) {
    auto decided = decide(*o.policy, stored, owner, now);
    if (decided) {
      decision = std::move(*decided);
    } else {
      o.problem = decided.error();
    }
  }
  const bool suspended = o.policy && o.policy->spec.scheduling.suspend;
  const Readiness ready = readiness(o.problem, suspended);
  if (o.problem) decision = TaskDecision{};

  // 4. Assemble the status: stored + observed + decided + runs that ended.
  std::vector<api::ActiveRun> pool_active = d_.pool.active(owner);
  const std::vector<FinishedRun> finished = d_.ledger.pending(owner);
  std::vector<api::ActiveRun> active = still_active(std::move(pool_active), finished, stored.task);
  if (decision.start) {
    active.push_back({decision.start->run_id, decision.start->scheduled_time, now});
  }
  const api::AftersalesTimeoutPolicySpec spec =
      o.policy ? o.policy->spec : api::AftersalesTimeoutPolicySpec{};
  auto build = [&](const api::AftersalesTimeoutPolicyStatus& base) {
    return build_atp_status(
        {base, kube::generation_of(*object), ready, decision, active, finished, spec, now});
  };

  // 5. Write status once. A start is fenced: the write carries lastScheduleTime (or the handled
  // run-now token), so the run starts only if the write succeeded (write_status).
  auto result = write_status<AtpStatusResult>(
      d_.status, d_.type, *object, decision.start.has_value(), stored_status, build, stop);
  if (!result) return std::unexpected(result.error());
  if (decision.start) {
    if (decision.cancel_active) d_.pool.cancel_owner(owner, runs::CancelReason::kReplaced);
    start_run(*object, o, *decision.start);
  }
  d_.ledger.ack(owner, result->folded);

  // 6. Tell people and Prometheus what changed.
  announce(runtime::ObjectReference::of(*object), key, stored.conditions, result->status.conditions,
           ready, {&decision}, d_.events, d_.hooks.condition_set);

  // 7. Requeue: at the next slot, with backoff for a database that may come back, or when
  // something changes.
  if (o.problem) return after_problem(*o.problem, ready);
  return runtime::Action::requeue(
      std::min(decision.requeue_after.value_or(kMaxRequeue), kMaxRequeue));
}

Result<TaskDecision> AtpReconciler::decide(const api::AftersalesTimeoutPolicy& policy,
                                           const api::AftersalesTimeoutPolicyStatus& stored,
                                           const std::string& owner, SystemTime now) const {
  const auto& s = policy.spec.scheduling;
  // Validation accepted both; a failure here is reported as the spec problem it would be.
  auto cron = schedule::CronSchedule::parse(s.schedule);
  if (!cron) return std::unexpected(cron.error().wrap("spec.schedule"));
  auto zone = schedule::TimeZone::load(s.time_zone);
  if (!zone) return std::unexpected(zone.error().wrap("spec.timeZone"));
  TaskInputs in;
  in.name = policy.metadata.name;
  in.task = api::Task::kAftersales;
  in.schedule = &*cron;
  in.zone = &*zone;
  in.suspend = s.suspend;
  in.policy = s.concurrency_policy;
  in.starting_deadline_seconds = s.starting_deadline_seconds;
  in.created = policy.metadata.creation_timestamp.value_or(now);
  in.last_schedule_time = stored.task.last_schedule_time;
  const auto& annotations = policy.metadata.annotations;
  if (auto it = annotations.find(std::string(api::annotations::kRunNow)); it != annotations.end()) {
    in.run_now_token = it->second;
  }
  in.last_handled_run_now = stored.task.last_handled_run_now;
  in.active = d_.pool.active(owner);
  in.now = now;
  TaskDecision decision = decide_task(in);
  if (decision.schedule_error) {
    // A schedule that never fires ("0 0 30 2 *") passes the parser but is as invalid as any.
    Error e = decision.schedule_error->wrap("spec.schedule");
    e.code = ErrorCode::kInvalid;
    e.reason = std::string(reasons::kInvalidSpec);
    return std::unexpected(e);
  }
  return decision;
}

void AtpReconciler::start_run(const kube::Json& object, const Observed& o, const StartRun& start) {
  const kube::ObjectKey key = kube::key_of(object);
  const runtime::ObjectReference ref = runtime::ObjectReference::of(object);
  const auto& spec = o.policy->spec;
  runs::RunRequest request;
  request.record.run_id = start.run_id;
  request.record.trigger = start.trigger;
  request.record.scheduled_time = start.scheduled_time;
  request.record.dry_run = spec.dry_run;
  request.owner = run_owner(key, api::metric_name(api::Task::kAftersales));
  request.active_deadline = std::chrono::seconds(spec.scheduling.active_deadline_seconds);
  // The job's full result (backlog, transitions) travels from the work to on_finished.
  auto result = std::make_shared<aftersales::AftersalesRunResult>();
  const Logger log = d_.log.with(
      {{"namespace", key.ns}, {"name", key.name}, {"task", "aftersales"}, {"runID", start.run_id}});
  request.work = [this, key, config = *o.config, url = o.database_url, result,
                  log](const runs::RunContext& rc) {
    const aftersales::RunContext ctx{rc.run_id, key.ns, key.name, rc.stop, log, d_.clock};
    *result = d_.job(config, url, ctx);
    return result->job_result();
  };
  request.on_finished = [this, key, ref, result,
                         url = o.database_url](const api::RunRecord& record) {
    // A run that lost the database (restart, network) must not leave Ready=True standing on
    // the probe's cached success: the reconcile after the run asks the database again.
    if (result->error && result->error->retryable()) d_.database.forget(url);
    on_finished(key, ref, record, *result);
  };
  request.on_removed = [this, key] {
    if (d_.enqueue) d_.enqueue(key);
  };
  if (!d_.pool.submit(std::move(request))) return;  // already running under this ID
  log.info("run started", {{"trigger", std::string(api::to_string(start.trigger))}});
  if (d_.events) {
    d_.events(ref, false, event_reasons::kRunStarted,
              "run " + start.run_id + " started (" + std::string(api::to_string(start.trigger)) +
                  (spec.dry_run ? ", dry run)" : ")"));
  }
}

void AtpReconciler::on_finished(const kube::ObjectKey& key, const runtime::ObjectReference& ref,
                                const api::RunRecord& record,
                                const aftersales::AftersalesRunResult& result) {
  d_.ledger.add(run_owner(key, api::metric_name(api::Task::kAftersales)),
                FinishedRun{record, backlog_measurements(result)});
  d_.log.info("run finished", {{"namespace", key.ns},
                               {"name", key.name},
                               {"runID", record.run_id},
                               {"outcome", std::string(api::to_string(record.outcome))}});
  if (d_.hooks.run_finished) d_.hooks.run_finished(key, record);
  if (d_.hooks.job_result) d_.hooks.job_result(key, result);
  if (d_.events) {
    d_.events(ref, record.outcome != api::Outcome::kSucceeded,
              finished_event_reason(record.outcome),
              "run " + record.run_id + " " + std::string(api::to_string(record.outcome)) + ": " +
                  record.message);
  }
}

std::vector<kube::ObjectKey> policies_using_secret(const runtime::Store& policies,
                                                   const kube::Json& secret) {
  const std::string ns = kube::namespace_of(secret);
  const std::string name = kube::name_of(secret);
  std::vector<kube::ObjectKey> out;
  for (const kube::ObjectPtr& p : policies.list(ns)) {
    if (kube::string_at(*p, "/spec/database/secretRef/name") == name)
      out.push_back(kube::key_of(*p));
  }
  return out;
}

AftersalesJob make_pg_aftersales_job() {
  return [](const aftersales::AftersalesJobConfig& config, const std::string& url,
            const aftersales::RunContext& ctx) -> aftersales::AftersalesRunResult {
    aftersales::PgAftersalesOptions options;
    options.connect.url = url;
    options.table = config.table;
    options.log_table = config.log_table;
    auto store = aftersales::make_pg_aftersales_store(options, ctx.clock);
    if (!store) {
      aftersales::AftersalesRunResult failed;
      failed.outcome = aftersales::Outcome::kFailed;
      failed.dry_run = config.dry_run;
      failed.error = store.error();
      failed.message = aftersales::build_message(failed);
      return failed;
    }
    return aftersales::run_aftersales_job(config, **store, ctx);
  };
}

}  // namespace orderops::reconcile
