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
  out.folded = fold_finished_runs(task, in.finished, limits);
  fold_backlog(s, in.finished);
  set_active_run(task, in.active);

  const TaskDecision& d = in.decision;
  if (d.start && d.start->scheduled_time) task.last_schedule_time = *d.start->scheduled_time;
  if (d.handled_run_now) task.last_handled_run_now = *d.handled_run_now;
  // Only a resource that is scheduling shows when it runs next.
  task.next_schedule_time.reset();
  if (in.ready.ready && d.next_schedule_time) {
    task.next_schedule_time = whole_seconds(*d.next_schedule_time);
  }

  set_readiness_conditions(s.conditions, in.ready, in.generation, in.now);
  set_flag(
      s.conditions, conditions::kRunning, !in.active.empty(), reasons::kRunActive, reasons::kIdle,
      in.active.empty() ? "no run in progress" : "run " + in.active.front().run_id + " in progress",
      in.generation, in.now);
  const bool failing = task.consecutive_failures >= in.spec.alerts.consecutive_failures;
  set_flag(s.conditions, conditions::kRunFailing, failing, reasons::kConsecutiveFailures,
           reasons::kRunsSucceeding,
           std::to_string(task.consecutive_failures) + " consecutive failed run(s), threshold " +
               std::to_string(in.spec.alerts.consecutive_failures),
           in.generation, in.now);
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
