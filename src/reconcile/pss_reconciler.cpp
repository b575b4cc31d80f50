#include "reconcile/pss_reconciler.h"

#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/condition_types.h"
#include "api/event_reasons.h"
#include "api/run_id.h"
#include "api/task.h"
#include "pg/connection.h"
#include "profitshare/payment.h"
#include "profitshare/pg_repository.h"
#include "profitshare/task_runner.h"
#include "reconcile/pss_status.h"
#include "reconcile/run_folding.h"
#include "schedule/cron_schedule.h"
#include "schedule/time_zone.h"

namespace orderops::reconcile {
namespace {

namespace reasons = api::reasons;

api::ProfitShareScheduleStatus stored_status(const kube::Json& object) {
  if (!object.contains("status")) return {};
  auto decoded = api::decode_profit_share_schedule(status_shell(object));
  return decoded ? decoded->status : api::ProfitShareScheduleStatus{};
}

Error with_reason(Error e, std::string_view reason) {
  e.reason = std::string(reason);
  return e;
}

api::Counts measurements(const profitshare::ProfitShareRunResult& r) {
  api::Counts m;
  if (r.orders_stuck) m[std::string(kOrdersStuckKey)] = *r.orders_stuck;
  if (r.receivers_finally_failed) {
    m[std::string(kReceiversFinallyFailedKey)] = *r.receivers_finally_failed;
  }
  return m;
}

}  // namespace

struct PssReconciler::Observed {
  std::optional<api::ProfitShareSchedule> schedule;
  MerchantSession session;
  std::optional<Error> problem;
};

PssReconciler::Observed PssReconciler::observe(const kube::Json& object, std::stop_token stop) {
  Observed o;
  auto parsed = api::parse_profit_share_schedule(without_status(object));
  if (!parsed) {
    o.problem = with_reason(parsed.error(), reasons::kInvalidSpec);
    return o;
  }
  o.schedule = std::move(*parsed);
  const auto& spec = o.schedule->spec;
  const std::string& ns = o.schedule->metadata.namespace_name;
  o.session.spec = spec;
  auto url =
      database_url(d_.secrets, ns, spec.database.secret_ref.name, spec.database.secret_ref.key);
  if (!url) {
    o.problem = url.error();
    return o;
  }
  o.session.database_url = std::move(*url);
  auto credentials = d_.secrets.get(ns, spec.merchant.credentials_secret_ref.name);
  if (!credentials) {
    o.problem = credentials.error();
    return o;
  }
  o.session.secrets.credentials.insert(credentials->begin(), credentials->end());
  if (spec.ca_secret_ref) {
    auto ca = secret_value(d_.secrets, ns, spec.ca_secret_ref->name, spec.ca_secret_ref->key);
    if (!ca) {
      o.problem = ca.error();
      return o;
    }
    o.session.secrets.ca_pem = std::move(*ca);
  }
  // The credentials probe is keyed by what could change its answer.
  const std::string cache_key =
      o.schedule->metadata.uid + "/" + spec.endpoint + "/" +
      std::to_string(std::hash<std::string>{}(nlohmann::json(o.session.secrets.credentials).dump() +
                                              o.session.secrets.ca_pem));
  if (auto ok = d_.credentials.probe(cache_key, spec, o.session.secrets, stop); !ok) {
    o.problem = ok.error();
    return o;
  }
  pg::SchemaOptions schema;
  schema.parts = {pg::SchemaPart::kProfitShare};
  if (auto ok = d_.database.probe(o.session.database_url, schema, stop); !ok) {
    o.problem = ok.error();
    return o;
  }
  o.session.limiter = limiter_for(*o.schedule);
  return o;
}

std::shared_ptr<wechatpay::MerchantLimiter> PssReconciler::limiter_for(
    const api::ProfitShareSchedule& s) {
  std::lock_guard lock(mu_);
  auto& limiter = limiters_[s.metadata.uid];
  if (!limiter) {
    limiter = profitshare::make_merchant_limiter(s.spec, d_.clock);
  } else {
    limiter->set_limits(s.spec.requests_per_second, s.spec.max_concurrent_requests);
  }
  return limiter;
}

Result<runtime::Action> PssReconciler::reconcile(const kube::ObjectKey& key, std::stop_token stop) {
  // 1. Load; a deleted schedule's runs stop and its records go.
  const kube::ObjectPtr object = d_.schedules.get(key);
  if (!object) {
    for (api::Task task : api::kProfitShareTasks) {
      d_.pool.cancel_owner(run_owner(key, api::metric_name(task)), runs::CancelReason::kDeleted);
    }
    d_.ledger.forget(key.ns + "/" + key.name + "/");
    if (d_.hooks.resource_gone) d_.hooks.resource_gone(key);
    return runtime::Action::await_change();
  }
  const SystemTime now = d_.clock.now();
  const api::ProfitShareScheduleStatus stored = stored_status(*object);

  // 2. Observe spec, Secrets, credentials and database.
  Observed o = observe(*object, stop);

  // 3. Decide each task.
  std::array<TaskDecision, 4> decisions;
  for (std::size_t i = 0; i < decisions.size() && !o.problem; ++i) {
    const api::Task task = api::kProfitShareTasks[i];
    auto decided = decide(*o.schedule, api::task_status(stored, task), task, now);
    if (!decided) {
      o.problem = decided.error();
    } else {
      decisions[i] = std::move(*decided);
    }
  }
  if (o.problem) decisions = {};
  const bool suspended = o.schedule && o.schedule->spec.suspend;
  const Readiness ready = readiness(o.problem, suspended);

  // 4. Assemble the status from the four rounds.
  std::array<std::vector<FinishedRun>, 4> finished;
  PssStatusInputs inputs;
  inputs.generation = kube::generation_of(*object);
  inputs.ready = ready;
  if (o.schedule) inputs.spec = o.schedule->spec;  // else the API defaults
  inputs.now = now;
  bool any_start = false;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const std::string owner = run_owner(key, api::metric_name(api::kProfitShareTasks[i]));
    TaskRound& round = inputs.rounds[i];
    round.decision = &decisions[i];
    // Active before finished: a run enters the ledger before it leaves the pool, so a run that
    // ends in between is seen in one of the two, never in neither (which reads as interrupted).
    auto pool_active = d_.pool.active(owner);
    finished[i] = d_.ledger.pending(owner);
    round.active = still_active(std::move(pool_active), finished[i],
                                api::task_status(stored, api::kProfitShareTasks[i]));
    round.finished = finished[i];
    if (decisions[i].start) {
      any_start = true;
      round.active.push_back({decisions[i].start->run_id, decisions[i].start->scheduled_time, now});
    }
  }
  auto build = [&](const api::ProfitShareScheduleStatus& base) {
    PssStatusInputs in = inputs;
    in.stored = base;
    return build_pss_status(in);
  };

  // 5. Write status once; starts are fenced together (api.md section 3).
  auto result = write_status<PssStatusResult>(d_.status, d_.type, *object, any_start, stored_status,
                                              build, stop);
  if (!result) return std::unexpected(result.error());
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (!decisions[i].start) continue;
    const api::Task task = api::kProfitShareTasks[i];
    if (decisions[i].cancel_active) {
      d_.pool.cancel_owner(run_owner(key, api::metric_name(task)), runs::CancelReason::kReplaced);
    }
    start_run(*object, o, task, *decisions[i].start);
  }
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    d_.ledger.ack(run_owner(key, api::metric_name(api::kProfitShareTasks[i])), result->folded[i]);
  }

  // 6. Tell people and Prometheus.
  announce(runtime::ObjectReference::of(*object), key, stored.conditions, result->status.conditions,
           ready, {&decisions[0], &decisions[1], &decisions[2], &decisions[3]}, d_.events,
           d_.hooks.condition_set);

  // 7. Requeue at the earliest next slot of any task.
  if (o.problem) return after_problem(*o.problem, ready);
  Duration next = kMaxRequeue;
  for (const auto& d : decisions) {
    if (d.requeue_after) next = std::min(next, *d.requeue_after);
  }
  return runtime::Action::requeue(next);
}

Result<TaskDecision> PssReconciler::decide(const api::ProfitShareSchedule& schedule,
                                           const api::TaskStatus& stored, api::Task task,
                                           SystemTime now) const {
  const api::Scheduling s = api::task_scheduling(schedule.spec, task);
  const std::string field = "spec." + std::string(api::field_name(task)) + ".schedule";
  auto cron = schedule::CronSchedule::parse(s.schedule);
  if (!cron) return std::unexpected(with_reason(cron.error().wrap(field), reasons::kInvalidSpec));
  auto zone = schedule::TimeZone::load(s.time_zone);
  if (!zone) {
    return std::unexpected(with_reason(zone.error().wrap("spec.timeZone"), reasons::kInvalidSpec));
  }
  TaskInputs in;
  in.name = schedule.metadata.name;
  in.task = task;
  in.schedule = &*cron;
  in.zone = &*zone;
  in.enabled = api::task_timing(schedule.spec, task).enabled;
  in.suspend = s.suspend;
  in.policy = s.concurrency_policy;
  in.starting_deadline_seconds = s.starting_deadline_seconds;
  in.created = schedule.metadata.creation_timestamp.value_or(now);
  in.last_schedule_time = stored.last_schedule_time;
  const auto& annotations = schedule.metadata.annotations;
  if (auto it = annotations.find(std::string(api::run_now_annotation(task)));
      it != annotations.end()) {
    in.run_now_token = it->second;
  }
  in.last_handled_run_now = stored.last_handled_run_now;
  in.active = d_.pool.active(
      run_owner(kube::ObjectKey{schedule.metadata.namespace_name, schedule.metadata.name},
                api::metric_name(task)));
  in.now = now;
  TaskDecision decision = decide_task(in);
  if (decision.schedule_error) {
    Error e = decision.schedule_error->wrap(field);
    e.code = ErrorCode::kInvalid;
    return std::unexpected(with_reason(e, reasons::kInvalidSpec));
  }
  return decision;
}

void PssReconciler::start_run(const kube::Json& object, const Observed& o, api::Task task,
                              const StartRun& start) {
  const kube::ObjectKey key = kube::key_of(object);
  const runtime::ObjectReference ref = runtime::ObjectReference::of(object);
  const auto& spec = o.schedule->spec;
  runs::RunRequest request;
  request.record.run_id = start.run_id;
  request.record.trigger = start.trigger;
  request.record.scheduled_time = start.scheduled_time;
  request.record.dry_run = spec.dry_run;
  request.owner = run_owner(key, api::metric_name(task));
  request.active_deadline =
      std::chrono::seconds(api::task_timing(spec, task).active_deadline_seconds);
  auto result = std::make_shared<profitshare::ProfitShareRunResult>();
  const Logger log = d_.log.with({{"namespace", key.ns},
                                  {"name", key.name},
                                  {"task", std::string(api::metric_name(task))},
                                  {"runID", start.run_id}});
  request.work = [this, key, task, session = o.session,
                  config = profitshare::config_from_spec(spec), dry_run = spec.dry_run, result,
                  log](const runs::RunContext& rc) {
    const profitshare::RunContext ctx{rc.run_id, key.ns, key.name, dry_run,
                                      rc.stop,   log,    d_.clock, {}};
    *result = d_.job(task, config, session, ctx);
    return result->job_result();
  };
  request.on_finished = [this, key, ref, task, result,
                         url = o.session.database_url](const api::RunRecord& record) {
    // As for ATP: after a transient failure the next reconcile probes the database afresh.
    if (result->error && result->error->retryable()) d_.database.forget(url);
    on_finished(key, ref, task, record, *result);
  };
  request.on_removed = [this, key] {
    if (d_.enqueue) d_.enqueue(key);
  };
  if (!d_.pool.submit(std::move(request))) return;
  log.info("run started", {{"trigger", std::string(api::to_string(start.trigger))}});
  if (d_.events) {
    d_.events(ref, false, api::event_reasons::kRunStarted,
              std::string(api::field_name(task)) + " run " + start.run_id + " started (" +
                  std::string(api::to_string(start.trigger)) + (spec.dry_run ? ", dry run)" : ")"));
  }
}

void PssReconciler::on_finished(const kube::ObjectKey& key, const runtime::ObjectReference& ref,
                                api::Task task, const api::RunRecord& record,
                                const profitshare::ProfitShareRunResult& result) {
  d_.ledger.add(run_owner(key, api::metric_name(task)), FinishedRun{record, measurements(result)});
  d_.log.info("run finished", {{"namespace", key.ns},
                               {"name", key.name},
                               {"task", std::string(api::metric_name(task))},
                               {"runID", record.run_id},
                               {"outcome", std::string(api::to_string(record.outcome))}});
  if (d_.hooks.run_finished) d_.hooks.run_finished(key, task, record);
  if (d_.hooks.job_result) d_.hooks.job_result(key, result);
  if (d_.events) {
    d_.events(ref, record.outcome != api::Outcome::kSucceeded,
              finished_event_reason(record.outcome),
              std::string(api::field_name(task)) + " run " + record.run_id + " " +
                  std::string(api::to_string(record.outcome)) + ": " + record.message);
  }
}

std::vector<kube::ObjectKey> schedules_using_secret(const runtime::Store& schedules,
                                                    const kube::Json& secret) {
  const std::string ns = kube::namespace_of(secret);
  const std::string name = kube::name_of(secret);
  std::vector<kube::ObjectKey> out;
  for (const kube::ObjectPtr& s : schedules.list(ns)) {
    if (kube::string_at(*s, "/spec/database/secretRef/name") == name ||
        kube::string_at(*s, "/spec/merchant/credentialsSecretRef/name") == name ||
        kube::string_at(*s, "/spec/caSecretRef/name") == name) {
      out.push_back(kube::key_of(*s));
    }
  }
  return out;
}

ProfitShareJob make_profitshare_job(std::shared_ptr<wechatpay::RequestObserver> observer) {
  return [observer](api::Task task, const profitshare::ProfitShareConfig& config,
                    const MerchantSession& session,
                    const profitshare::RunContext& ctx) -> profitshare::ProfitShareRunResult {
    auto fail = [&](const Error& e) {
      profitshare::ProfitShareRunResult r;
      r.task = task;
      r.dry_run = ctx.dry_run;
      r.outcome = api::Outcome::kFailed;
      r.error = e;
      r.message = e.message;
      return r;
    };
    pg::ConnectOptions connect;
    connect.url = session.database_url;
    auto store = profitshare::make_pg_profitshare_store(connect, ctx.clock);
    auto client = profitshare::connect_merchant_client(
        session.spec, session.secrets, session.limiter, ctx.clock, ctx.logger, observer);
    if (!client) return fail(client.error());
    auto payment = profitshare::make_client_payment(**client);
    return profitshare::run_profitshare_task(task, config, *store, *payment, ctx);
  };
}

}  // namespace orderops::reconcile
