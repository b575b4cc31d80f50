#include "reconcile/task_decision.h"

#include "api/event_reasons.h"
#include "api/run_id.h"
#include "common/time_format.h"
#include "schedule/missed_slots.h"

namespace orderops::reconcile {
namespace {

bool has_active(const TaskInputs& in, const std::string& run_id) {
  for (const auto& a : in.active) {
    if (a.run_id == run_id) return true;
  }
  return false;
}

// A run-now token is honoured once: started, or ignored with an event when suspended. Under
// Forbid it waits (unconsumed) until the active run ends, so the user's request is not lost.
void decide_run_now(const TaskInputs& in, TaskDecision& out) {
  if (in.run_now_token.empty() || in.run_now_token == in.last_handled_run_now) return;
  if (in.suspend || !in.enabled) {
    out.handled_run_now = in.run_now_token;
    out.events.push_back({false, std::string(api::event_reasons::kRunNowIgnored),
                          std::string("run-now \"") + in.run_now_token + "\" ignored: " +
                              (in.suspend ? "the resource is suspended" : "the task is disabled")});
    return;
  }
  const std::string run_id = api::manual_run_id(in.name, in.task, in.run_now_token);
  if (has_active(in, run_id)) return;  // already started; status will record it as handled
  if (!in.active.empty() && in.policy == api::ConcurrencyPolicy::kForbid) return;
  out.cancel_active = !in.active.empty() && in.policy == api::ConcurrencyPolicy::kReplace;
  out.start = StartRun{run_id, api::Trigger::kManual, std::nullopt};
  out.handled_run_now = in.run_now_token;
}

// The CronJob wording for a schedule without slots ("time difference between two schedules is
// less than 1 second") does not tell a user that "0 0 30 2 *" never fires; the condition says
// so, with the expression, as for every other schedule problem. No time in the text: the
// message must read the same on every reconcile, or each one would be a new event.
Error schedule_problem(const TaskInputs& in, Error cause) {
  const std::string quoted = "\"" + in.schedule->expression() + "\"";
  cause.message = in.schedule->next(in.now, *in.zone)
                      ? quoted + ": " + cause.message
                      : quoted + ": never fires (no fire time within 5 years)";
  return cause;
}

void decide_scheduled(const TaskInputs& in, TaskDecision& out) {
  const schedule::SlotDecision slot =
      schedule::decide_slot(*in.schedule, *in.zone,
                            schedule::SlotInputs{in.created, in.last_schedule_time,
                                                 in.starting_deadline_seconds, in.now});
  if (slot.error) {
    out.schedule_error = schedule_problem(in, *slot.error);
    return;
  }
  out.requeue_after = slot.requeue_after;
  if (slot.requeue_after) {
    out.next_schedule_time = in.now + std::chrono::duration_cast<SystemTime::duration>(
                                          *slot.requeue_after - schedule::kNextScheduleDelta);
  }
  if (slot.missed_deadline) {
    out.events.push_back(
        {true, std::string(api::event_reasons::kMissedSchedule),
         "missed scheduled time to start a run: " + format_rfc3339(*slot.missed_deadline) +
             " is more than startingDeadlineSeconds ago"});
  }
  if (slot.missed == schedule::MissedSlots::kMany) {
    out.events.push_back({true, std::string(api::event_reasons::kTooManyMissedStartTimes),
                          "too many missed start times (> 100); only the most recent runs. Set or "
                          "decrease startingDeadlineSeconds or check clock skew"});
  }
  if (!slot.start || out.start) return;  // a manual run this round; the slot is looked at next
  const std::string run_id = api::scheduled_run_id(in.name, in.task, *slot.start);
  if (has_active(in, run_id)) return;
  if (!in.active.empty() && in.policy == api::ConcurrencyPolicy::kForbid) {
    // As CronJob: the slot is not consumed, so it still starts once the active run ends if no
    // newer slot has come and it is within startingDeadlineSeconds.
    return;
  }
  out.cancel_active = !in.active.empty() && in.policy == api::ConcurrencyPolicy::kReplace;
  out.start = StartRun{run_id, api::Trigger::kSchedule, *slot.start};
}

}  // namespace

TaskDecision decide_task(const TaskInputs& in) {
  TaskDecision out;
  decide_run_now(in, out);
  // Suspended or disabled: no new scheduled runs and no time-based requeue; missed slots pile up
  // and, without a starting deadline, the most recent one runs when the task is resumed (CronJob).
  if (in.suspend || !in.enabled) return out;
  decide_scheduled(in, out);
  return out;
}

}  // namespace orderops::reconcile
