#include "reconcile/run_folding.h"

#include <algorithm>

namespace orderops::reconcile {
namespace {

bool already_folded(const api::TaskStatus& task, const std::string& run_id) {
  if (task.last_run && task.last_run->run_id == run_id) return true;
  return std::any_of(task.recent_runs.begin(), task.recent_runs.end(),
                     [&](const api::RunRecord& r) { return r.run_id == run_id; });
}

api::RunRecord truncated(api::RunRecord r) {
  r.start_time = whole_seconds(r.start_time);
  if (r.scheduled_time) r.scheduled_time = whole_seconds(*r.scheduled_time);
  if (r.completion_time) r.completion_time = whole_seconds(*r.completion_time);
  return r;
}

}  // namespace

SystemTime whole_seconds(SystemTime t) { return std::chrono::floor<std::chrono::seconds>(t); }

std::vector<std::string> fold_finished_runs(api::TaskStatus& task,
                                            std::span<const FinishedRun> finished,
                                            runs::HistoryLimits limits) {
  std::vector<std::string> folded;
  for (const FinishedRun& f : finished) {
    folded.push_back(f.record.run_id);
    if (already_folded(task, f.record.run_id)) continue;
    const api::RunRecord record = truncated(f.record);
    task.consecutive_failures =
        runs::next_consecutive_failures(task.consecutive_failures, record.outcome);
    if (record.outcome == api::Outcome::kSucceeded && record.completion_time &&
        (!task.last_successful_time || *task.last_successful_time < *record.completion_time)) {
      task.last_successful_time = record.completion_time;
    }
    if (!task.last_run || task.last_run->start_time <= record.start_time) task.last_run = record;
    task.recent_runs = runs::add_to_history(std::move(task.recent_runs), record, limits);
  }
  return folded;
}

std::vector<api::ActiveRun> still_active(std::vector<api::ActiveRun> active,
                                         std::span<const FinishedRun> finished,
                                         const api::TaskStatus& stored) {
  std::erase_if(active, [&](const api::ActiveRun& a) {
    return already_folded(stored, a.run_id) ||
           std::any_of(finished.begin(), finished.end(),
                       [&](const FinishedRun& f) { return f.record.run_id == a.run_id; });
  });
  return active;
}

void set_active_run(api::TaskStatus& task, const std::vector<api::ActiveRun>& active) {
  if (active.empty()) {
    task.active.reset();
    return;
  }
  api::ActiveRun first = active.front();
  first.start_time = whole_seconds(first.start_time);
  if (first.scheduled_time) first.scheduled_time = whole_seconds(*first.scheduled_time);
  task.active = first;
}

std::vector<std::string> update_task_status(api::TaskStatus& task, const TaskRound& round,
                                            runs::HistoryLimits limits, bool scheduling,
                                            SystemTime now) {
  std::vector<std::string> folded = fold_finished_runs(task, round.finished, limits);
  if (task.active && !already_folded(task, task.active->run_id) &&
      std::none_of(round.active.begin(), round.active.end(),
                   [&](const api::ActiveRun& a) { return a.run_id == task.active->run_id; })) {
    FinishedRun lost;
    lost.record.run_id = task.active->run_id;
    lost.record.trigger =
        task.active->scheduled_time ? api::Trigger::kSchedule : api::Trigger::kManual;
    lost.record.scheduled_time = task.active->scheduled_time;
    lost.record.start_time = task.active->start_time;
    lost.record.completion_time = now;
    lost.record.outcome = api::Outcome::kFailed;
    lost.record.message =
        "interrupted: the manager running it stopped before it finished (leader lost or "
        "restarted); its finished batches are kept, the rest is picked up by the next run";
    lost.record.counts = api::zero_counts(round.task);
    fold_finished_runs(task, std::span<const FinishedRun>(&lost, 1), limits);
  }
  set_active_run(task, round.active);
  const TaskDecision& d = *round.decision;
  if (d.start && d.start->scheduled_time) task.last_schedule_time = *d.start->scheduled_time;
  if (d.handled_run_now) task.last_handled_run_now = *d.handled_run_now;
  task.next_schedule_time.reset();
  if (scheduling && d.next_schedule_time) {
    task.next_schedule_time = whole_seconds(*d.next_schedule_time);
  }
  return folded;
}

}  // namespace orderops::reconcile
