#include "reconcile/atp_status.h"

#include "api/condition_types.h"
#include "reconcile/run_folding.h"

namespace orderops::reconcile {
namespace {

namespace conditions = api::conditions;
namespace reasons = api::reasons;

// The newest finished run that measured the backlog sets status.backlog.
void fold_backlog(api::AftersalesTimeoutPolicyStatus& status, std::span<const FinishedRun> runs) {
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    const api::Counts& m = it->measurements;
    if (!m.contains("total")) continue;
    api::AftersalesBacklog b;
    b.pending_approval = m.at("pendingApproval");
    b.pending_return = m.at("pendingReturn");
    b.pending_receive = m.at("pendingReceive");
    b.total = m.at("total");
    b.oldest_overdue_seconds = m.at("oldestOverdueSeconds");
    b.observed_time = whole_seconds(it->record.completion_time.value_or(it->record.start_time));
    if (!status.backlog || !status.backlog->observed_time ||
        *status.backlog->observed_time <= *b.observed_time) {
      status.backlog = b;
    }
    return;
  }
}

}  // namespace

AtpStatusResult build_atp_status(const AtpStatusInputs& in) {
  AtpStatusResult out;
  api::AftersalesTimeoutPolicyStatus& s = out.status;
  s = in.stored;
  s.observed_generation = in.generation;
  api::TaskStatus& task = s.task;

  const runs::HistoryLimits limits{in.spec.successful_runs_history_limit,
                                   in.spec.failed_runs_history_limit};
  out.folded =
      update_task_status(task, {&in.decision, api::Task::kAftersales, in.active, in.finished},
                         limits, in.ready.ready, in.now);
  fold_backlog(s, in.finished);

  set_readiness_conditions(s.conditions, in.ready, in.generation, in.now);
  set_running_condition(s.conditions, in.active, in.generation, in.now);
  set_run_failing_condition(s.conditions, task.consecutive_failures,
                            in.spec.alerts.consecutive_failures, "", in.generation, in.now);
  const std::int64_t backlog = s.backlog ? s.backlog->total : 0;
  const bool high = backlog > in.spec.alerts.backlog_threshold;
  set_flag(s.conditions, conditions::kBacklogHigh, high, reasons::kBacklogAboveThreshold,
           reasons::kBacklogNormal,
           std::to_string(backlog) + " overdue row(s) after the last run, threshold " +
               std::to_string(in.spec.alerts.backlog_threshold),
           in.generation, in.now);
  return out;
}

}  // namespace orderops::reconcile
