// Which scheduled slot is due now, decided as the Kubernetes CronJob controller (v2) decides it:
// anchor on lastScheduleTime or creationTimestamp, clamp by startingDeadlineSeconds, run only the
// most recent missed slot (warning above 100 missed), skip a slot that is past its starting
// deadline, and requeue at the next slot + 100 ms. Pure functions of their inputs (`now` is a
// parameter; nothing reads a clock). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "schedule/cron_schedule.h"
#include "schedule/time_zone.h"

namespace orderops::schedule {

// Margin added to every requeue, as the controller's nextScheduleDelta: absorbs clock skew so
// the wake-up lands after the slot rather than just before it.
inline constexpr std::chrono::milliseconds kNextScheduleDelta{100};

// Above this many missed slots the controller warns (TooManyMissedStartTimes) but still starts
// the single most recent one.
inline constexpr std::int64_t kTooManyMissed = 100;

enum class MissedSlots { kNone, kFew, kMany };
std::string_view to_string(MissedSlots m);

// mostRecentScheduleTime of the controller's utils.go.
struct MostRecent {
  SystemTime anchor{};             // the time the search started after
  std::optional<SystemTime> slot;  // most recent slot <= now, if any
  MissedSlots missed = MissedSlots::kNone;
  // Set when two consecutive slots are less than 1 s apart (an impossible schedule such as
  // "0 0 30 2 *"): "time difference between two schedules is less than 1 second".
  std::optional<Error> error;
};
MostRecent most_recent_schedule_time(const CronSchedule& schedule, const TimeZone& zone,
                                     SystemTime anchor, SystemTime now,
                                     std::optional<std::int64_t> starting_deadline_seconds);

struct SlotInputs {
  SystemTime created{};                      // metadata.creationTimestamp
  std::optional<SystemTime> last_scheduled;  // status.lastScheduleTime
  std::optional<std::int64_t> starting_deadline_seconds;
  SystemTime now{};
};

struct SlotDecision {
  // The slot to start now (then record lastScheduleTime = *start). Empty when nothing is due,
  // the due slot is too late, or the schedule is unusable.
  std::optional<SystemTime> start;
  // The most recent slot skipped because it is more than startingDeadlineSeconds old (after the
  // anchor, at or before now - deadline): emit MissedSchedule. Kubernetes skips such slots
  // silently (its tooLate check cannot fire once the search starts at now - deadline); api.md
  // wants the event, so the decision names the slot. Independent of `start`.
  std::optional<SystemTime> missed_deadline;
  // kMany: emit TooManyMissedStartTimes (the most recent slot is still considered).
  MissedSlots missed = MissedSlots::kNone;
  // The schedule never yields two slots >= 1 s apart: report it (InvalidSpec) and do not requeue.
  std::optional<Error> error;
  // When to look again: next slot + 100 ms - now. Empty together with `error`.
  std::optional<Duration> requeue_after;
};

// The schedule part of the controller's syncCronJob (suspend and concurrency policy are the
// caller's: they decide whether `start` is acted on, and do not change the requeue).
SlotDecision decide_slot(const CronSchedule& schedule, const TimeZone& zone, const SlotInputs& in);

}  // namespace orderops::schedule
