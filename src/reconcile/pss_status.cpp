#include "reconcile/pss_status.h"

#include "api/condition_types.h"

namespace orderops::reconcile {
namespace {

namespace conditions = api::conditions;
namespace reasons = api::reasons;

// The newest finished run that measured `key` sets the resource-wide value.
void fold_measurement(std::int64_t& field, std::span<const FinishedRun> runs,
                      std::string_view key) {
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (const auto m = it->measurements.find(key); m != it->measurements.end()) {
      field = m->second;
      return;
    }
  }
}

bool last_unfreeze_failed(const api::TaskStatus& unfreeze) {
  if (!unfreeze.last_run) return false;
  const auto& r = *unfreeze.last_run;
  const auto failed = r.counts.find("failed");
  return r.outcome != api::Outcome::kSucceeded || (failed != r.counts.end() && failed->second > 0);
}

}  // namespace

PssStatusResult build_pss_status(const PssStatusInputs& in) {
  PssStatusResult out;
  api::ProfitShareScheduleStatus& s = out.status;
  s = in.stored;
  s.observed_generation = in.generation;
  const runs::HistoryLimits limits{in.spec.successful_runs_history_limit,
                                   in.spec.failed_runs_history_limit};

  std::vector<api::ActiveRun> all_active;
  std::int64_t worst_failures = 0;
  std::string worst_task;
  for (std::size_t i = 0; i < api::kProfitShareTasks.size(); ++i) {
    const api::Task task = api::kProfitShareTasks[i];
    const TaskRound& round = in.rounds[i];
    api::TaskStatus& ts = api::task_status(s, task);
    TaskRound task_round = round;
    task_round.task = task;
    out.folded[i] = update_task_status(ts, task_round, limits, in.ready.ready, in.now);
    all_active.insert(all_active.end(), round.active.begin(), round.active.end());
    if (ts.consecutive_failures > worst_failures) {
      worst_failures = ts.consecutive_failures;
      worst_task = std::string(api::field_name(task));
    }
    if (task == api::Task::kSync) fold_measurement(s.orders_stuck, round.finished, kOrdersStuckKey);
    if (task == api::Task::kRetry) {
      fold_measurement(s.receivers_finally_failed, round.finished, kReceiversFinallyFailedKey);
    }
  }

  const std::int64_t g = in.generation;
  set_readiness_conditions(s.conditions, in.ready, g, in.now);
  set_running_condition(s.conditions, all_active, g, in.now);
  set_run_failing_condition(s.conditions, worst_failures, in.spec.alerts.consecutive_failures,
                            worst_task, g, in.now);
  set_flag(s.conditions, conditions::kOrdersStuck, s.orders_stuck > 0, reasons::kProcessingTimeout,
           reasons::kNoStuckOrders,
           std::to_string(s.orders_stuck) + " order(s) PROCESSING for more than " +
               std::to_string(in.spec.sync.timeout_hours) + "h",
           g, in.now);
  const std::int64_t bill_failures = s.tasks.bill_download.consecutive_failures;
  set_flag(s.conditions, conditions::kBillDownloadFailing,
           bill_failures >= in.spec.alerts.bill_download_failures, reasons::kConsecutiveFailures,
           reasons::kDownloading,
           std::to_string(bill_failures) + " consecutive failed bill download run(s), threshold " +
               std::to_string(in.spec.alerts.bill_download_failures),
           g, in.now);
  set_flag(s.conditions, conditions::kRetryExhausted, s.receivers_finally_failed > 0,
           reasons::kReceiversFinallyFailed, reasons::kNoExhaustedReceivers,
           std::to_string(s.receivers_finally_failed) +
               " receiver(s) finally failed within the last " +
               std::to_string(in.spec.retry.lookback_days) + " day(s)",
           g, in.now);
  const bool unfreeze_failing = last_unfreeze_failed(s.tasks.unfreeze);
  set_flag(s.conditions, conditions::kUnfreezeFailing, unfreeze_failing, reasons::kUnfreezeErrors,
           reasons::kUnfreezeHealthy,
           unfreeze_failing ? "last unfreeze run: " + s.tasks.unfreeze.last_run->message
                            : "last unfreeze run had no failures",
           g, in.now);
  return out;
}

}  // namespace orderops::reconcile
