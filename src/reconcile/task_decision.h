// What one scheduled task (an ATP, or one task of a PSS) should do now: start a scheduled or
// manual run, cancel the active run (Replace), emit schedule events, and when to look again.
// It combines the CronJob slot logic of src/schedule with suspend, concurrencyPolicy and the
// run-now annotation. A pure function of its inputs (house rule 1): the reconciler observes,
// calls decide_task, then acts. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/enums.h"
#include "api/run_status.h"
#include "api/task.h"
#include "common/clock.h"
#include "common/error.h"
#include "schedule/cron_schedule.h"
#include "schedule/time_zone.h"

namespace orderops::reconcile {

struct TaskInputs {
  std::string name;  // the resource's name, for run IDs
  api::Task task = api::Task::kAftersales;
  const schedule::CronSchedule* schedule = nullptr;  // parsed and valid
  const schedule::TimeZone* zone = nullptr;
  bool enabled = true;  // PSS tasks can be switched off
  bool suspend = false;
  api::ConcurrencyPolicy policy = api::ConcurrencyPolicy::kForbid;
  std::optional<std::int64_t> starting_deadline_seconds;
  SystemTime created{};                          // metadata.creationTimestamp
  std::optional<SystemTime> last_schedule_time;  // status: slot of the last started run
  std::string run_now_token;                     // annotation value, "" when absent
  std::string last_handled_run_now;              // status.lastHandledRunNow
  std::vector<api::ActiveRun> active;            // runs of this task queued or running now
  SystemTime now{};
};

struct StartRun {
  std::string run_id;
  api::Trigger trigger = api::Trigger::kSchedule;
  std::optional<SystemTime> scheduled_time;  // the slot; absent for manual runs
};

struct ScheduleEvent {
  bool warning = true;
  std::string reason;  // api.md section 5
  std::string message;
};

struct TaskDecision {
  // Scheduled starts must first record lastScheduleTime = slot with a status write guarded by
  // resourceVersion (the fence); a conflict there means another replica or an earlier attempt
  // took the slot, and the run must not start.
  std::optional<StartRun> start;
  // Replace: cancel the active runs before starting.
  bool cancel_active = false;
  // New status.lastHandledRunNow when a run-now token was consumed (started or ignored).
  std::optional<std::string> handled_run_now;
  std::vector<ScheduleEvent> events;
  std::optional<SystemTime> next_schedule_time;
  // Empty: nothing time-based to wait for (suspended, disabled, or an impossible schedule).
  std::optional<Duration> requeue_after;
  // The schedule cannot produce slots (e.g. "0 0 30 2 *"): report as InvalidSpec.
  std::optional<Error> schedule_error;
};

TaskDecision decide_task(const TaskInputs& in);

}  // namespace orderops::reconcile
