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
                                            runs::HistoryLimits limits, bool scheduling) {
  std::vector<std::string> folded = fold_finished_runs(task, round.finished, limits);
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
