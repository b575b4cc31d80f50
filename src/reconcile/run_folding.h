// Folds finished runs into a task's status: lastRun, recentRuns (bounded by the history limits),
// consecutiveFailures and lastSuccessfulTime, and the active run from what the pool reports.
// Idempotent: a run whose ID already stands in lastRun or recentRuns is skipped, so a status write
// retried after a conflict never counts a run twice. Pure; thread-safe.
#pragma once

#include <span>
#include <vector>

#include "api/run_status.h"
#include "reconcile/run_ledger.h"
#include "reconcile/task_decision.h"
#include "runs/history.h"

namespace orderops::reconcile {

// Returns the IDs of the runs that are now part of `task` (folded now or before), i.e. those the
// ledger may forget once this status is written.
std::vector<std::string> fold_finished_runs(api::TaskStatus& task,
                                            std::span<const FinishedRun> finished,
                                            runs::HistoryLimits limits);

// status.active: the oldest run still queued or running (Allow may run several), else absent.
void set_active_run(api::TaskStatus& task, const std::vector<api::ActiveRun>& active);

// The pool's active runs without those already finished (in `finished` or folded into `stored`):
// a run enters the ledger a moment before it leaves the pool, and a reconcile woken by something
// else in that moment must not show a finished run as still active.
std::vector<api::ActiveRun> still_active(std::vector<api::ActiveRun> active,
                                         std::span<const FinishedRun> finished,
                                         const api::TaskStatus& stored);

// What happened to one task this round (an ATP, or one task of a PSS).
struct TaskRound {
  const TaskDecision* decision = nullptr;
  api::Task task = api::Task::kAftersales;
  // Runs queued or running, including one about to start this round.
  std::vector<api::ActiveRun> active;
  std::span<const FinishedRun> finished;
};

// Applies a round to the task's status: folds finished runs, sets the active run, records the
// fenced slot and a handled run-now token, and shows the next slot only while `scheduling`.
// A stored active run that is neither running here nor among the finished runs was interrupted
// (its manager died or lost the lease): it is recorded as Failed at `now`, as CronJob records a
// Job that vanished, so it counts towards RunFailing instead of disappearing.
// Returns what fold_finished_runs returns.
std::vector<std::string> update_task_status(api::TaskStatus& task, const TaskRound& round,
                                            runs::HistoryLimits limits, bool scheduling,
                                            SystemTime now);

// metav1.Time has whole seconds; status compared after a round trip must not differ below that.
SystemTime whole_seconds(SystemTime t);

}  // namespace orderops::reconcile
