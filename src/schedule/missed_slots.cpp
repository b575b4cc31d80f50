#include "schedule/missed_slots.h"

#include <algorithm>

namespace orderops::schedule {
namespace {

using std::chrono::seconds;

// Go's int64(d.Seconds()): whole seconds plus the fraction as float64, truncated. The float
// step can round a fraction of .999999999 up to the next second; keep that.
std::int64_t go_whole_seconds(Duration d) {
  const std::int64_t ns = d.count();
  const std::int64_t sec = ns / 1000000000;
  const std::int64_t nsec = ns % 1000000000;
  return static_cast<std::int64_t>(static_cast<double>(sec) + static_cast<double>(nsec) / 1e9);
}

// Go's Duration.Round(time.Second), in seconds: halves round away from zero.
std::int64_t go_round_seconds(Duration d) {
  const std::int64_t ns = d.count();
  const std::int64_t q = ns / 1000000000;
  const std::int64_t r = ns % 1000000000;
  if (r >= 500000000) return q + 1;
  if (r <= -500000000) return q - 1;
  return q;
}

// nextScheduleTimeDuration: the wake-up for the slot after the most recent one (or after the
// anchor when nothing was missed), ignoring the starting deadline.
std::optional<Duration> requeue_after(const CronSchedule& schedule, const TimeZone& zone,
                                      SystemTime anchor, SystemTime now) {
  const MostRecent recent = most_recent_schedule_time(schedule, zone, anchor, now, std::nullopt);
  SystemTime base = now;
  if (recent.error) {
    base = now;
  } else if (recent.slot) {
    base = *recent.slot;
  } else if (recent.missed == MissedSlots::kNone) {
    base = recent.anchor;
  }
  const auto next = schedule.next(base, zone);
  if (!next) return std::nullopt;
  return *next + kNextScheduleDelta - now;
}

// Deadlines beyond a few centuries would overflow the nanosecond clock; no slot is that old.
Duration deadline(std::int64_t starting_deadline_seconds) {
  constexpr std::int64_t kMax = std::int64_t{200} * 366 * 86400;
  return seconds(std::clamp(starting_deadline_seconds, -kMax, kMax));
}

}  // namespace

std::string_view to_string(MissedSlots m) {
  switch (m) {
    case MissedSlots::kNone:
      return "none";
    case MissedSlots::kFew:
      return "few";
    case MissedSlots::kMany:
      return "many";
  }
  return "unknown";
}

MostRecent most_recent_schedule_time(const CronSchedule& schedule, const TimeZone& zone,
                                     SystemTime anchor, SystemTime now,
                                     std::optional<std::int64_t> starting_deadline_seconds) {
  MostRecent out;
  out.anchor = anchor;
  if (starting_deadline_seconds) {
    // Nothing older than the deadline can still start, so do not look before it.
    const SystemTime earliest = now - deadline(*starting_deadline_seconds);
    if (earliest > out.anchor) out.anchor = earliest;
  }
  const auto t1 = schedule.next(out.anchor, zone);
  if (t1 && now < *t1) return out;
  const auto t2 = t1 ? schedule.next(*t1, zone) : std::nullopt;
  if (t2 && now < *t2) {
    out.slot = t1;
    return out;
  }
  // No second slot (or none at all): robfig's zero time makes the gap < 1 s in Kubernetes.
  const std::int64_t gap = (t1 && t2) ? go_round_seconds(*t2 - *t1) : 0;
  if (gap < 1) {
    out.error =
        Error{ErrorCode::kInvalid, "time difference between two schedules is less than 1 second"};
    return out;
  }
  // Estimate how many slots fit between t1 and now, step back to two intervals before the
  // estimate, and let the schedule walk forward: exact for irregular schedules and @every.
  const std::int64_t missed = go_whole_seconds(now - *t1) / gap + 1;
  std::optional<SystemTime> t = schedule.next(*t1 + seconds((missed - 2) * gap), zone);
  for (; t && *t <= now; t = schedule.next(*t, zone)) out.slot = t;
  out.missed = missed > kTooManyMissed ? MissedSlots::kMany : MissedSlots::kFew;
  return out;
}

namespace {

// The most recent slot after the anchor that the starting deadline put out of reach.
std::optional<SystemTime> skipped_by_deadline(const CronSchedule& schedule, const TimeZone& zone,
                                              SystemTime anchor, const SlotInputs& in) {
  if (!in.starting_deadline_seconds) return std::nullopt;
  const SystemTime cutoff = in.now - deadline(*in.starting_deadline_seconds);
  if (cutoff <= anchor) return std::nullopt;
  return most_recent_schedule_time(schedule, zone, anchor, cutoff, std::nullopt).slot;
}

}  // namespace

SlotDecision decide_slot(const CronSchedule& schedule, const TimeZone& zone, const SlotInputs& in) {
  SlotDecision d;
  const SystemTime anchor = in.last_scheduled.value_or(in.created);
  d.missed_deadline = skipped_by_deadline(schedule, zone, anchor, in);
  const MostRecent recent =
      most_recent_schedule_time(schedule, zone, anchor, in.now, in.starting_deadline_seconds);
  if (recent.error) {
    d = SlotDecision{};
    d.error = recent.error;
    return d;
  }
  if (!recent.slot) {
    d.requeue_after = requeue_after(schedule, zone, anchor, in.now);
    return d;
  }
  d.missed = recent.missed;
  const SystemTime slot = *recent.slot;
  // The controller's tooLate check, kept for fidelity (the search above already starts at
  // now - deadline, so it holds only for slots the deadline would have excluded anyway).
  if (in.starting_deadline_seconds && slot + deadline(*in.starting_deadline_seconds) < in.now) {
    d.missed_deadline = slot;
    d.requeue_after = requeue_after(schedule, zone, anchor, in.now);
    return d;
  }
  d.start = slot;
  // As after the controller records lastScheduleTime = slot.
  d.requeue_after = requeue_after(schedule, zone, slot, in.now);
  return d;
}

}  // namespace orderops::schedule
