// Run bookkeeping in status, shared by an ATP (top level of status) and each PSS task
// (status.tasks.<task>): the active run, the last run, the bounded history. Value types;
// thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/enums.h"
#include "api/task.h"
#include "common/clock.h"

namespace orderops::api {

// Counts of one run, keyed by the names in status (selected, approved, deadlinesSet, ...).
using Counts = std::map<std::string, std::int64_t, std::less<>>;

// The count names each task reports, in the order api.md lists them.
std::span<const std::string_view> count_keys(Task task);
// Every key of count_keys(task) at zero, so a run that touched nothing still shows all counts.
Counts zero_counts(Task task);

struct ActiveRun {
  std::string run_id;
  std::optional<SystemTime> scheduled_time;  // the slot; absent for a manual run
  SystemTime start_time{};

  bool operator==(const ActiveRun&) const = default;
};

// A finished run (status.lastRun and status.recentRuns).
struct RunRecord {
  std::string run_id;
  Trigger trigger = Trigger::kSchedule;
  std::optional<SystemTime> scheduled_time;  // the slot; absent for a manual run
  SystemTime start_time{};
  std::optional<SystemTime> completion_time;
  Outcome outcome = Outcome::kSucceeded;
  bool dry_run = false;
  std::string message;
  Counts counts;

  bool operator==(const RunRecord&) const = default;
};

// The per-task part of status. Times are whole seconds (metav1.Time).
struct TaskStatus {
  std::optional<SystemTime> last_schedule_time;  // slot of the last started run (fencing)
  std::optional<SystemTime> last_successful_time;
  std::optional<SystemTime> next_schedule_time;
  std::optional<ActiveRun> active;  // absent when idle
  std::int64_t consecutive_failures = 0;
  std::optional<RunRecord> last_run;
  std::vector<RunRecord> recent_runs;  // newest first
  std::string last_handled_run_now;    // "" = none handled yet

  bool operator==(const TaskStatus&) const = default;
};

}  // namespace orderops::api
