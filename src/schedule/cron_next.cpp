// CronSchedule::next: robfig/cron v3's search (SpecSchedule.Next), step for step, on local
// wall-clock fields. It walks month -> day -> hour -> minute -> second, resetting the smaller
// fields the first time it moves, and restarts from the month whenever a field wraps. The DST
// behaviour Kubernetes users see (a repeated hour fires twice, a skipped one never fires, a
// skipped midnight is nudged back by an hour) falls out of doing exactly these steps with Go's
// time.Date/AddDate semantics (wall_clock.h); a closed-form computation would not match.
#include <limits>

#include "schedule/cron_schedule.h"
#include "schedule/wall_clock.h"

namespace orderops::schedule {
namespace {

using Fields = CronSchedule::Fields;

constexpr std::uint64_t kValueMask = ~CronSchedule::kStarBit;
constexpr std::int64_t kSearchYears = 5;  // robfig gives up (zero time) after this
// Where a zone skipped a whole calendar day (Kwajalein 1993-08-21, Pacific/Apia 2011-12-30)
// robfig's search can cycle forever; the Kubernetes controller then hangs a worker. A real
// search needs at most a few hundred thousand steps (five years of days plus an hour and minute
// scan), so past this bound we stop and report no time instead.
constexpr int kMaxSteps = 2'000'000;
// SystemTime counts nanoseconds in int64: about 292 years either side of 1970.
constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000000000 - 1;

bool has(std::uint64_t field, int value) { return (field >> value) & 1U; }

bool day_matches(const Fields& f, const CivilTime& c) {
  const bool dom = has(f.day_of_month, c.day);
  const bool dow = has(f.day_of_week, c.weekday);
  // If either field was * or ?, both must match (the starred one always does); else either.
  if ((f.day_of_month & CronSchedule::kStarBit) || (f.day_of_week & CronSchedule::kStarBit)) {
    return dom && dow;
  }
  return dom || dow;
}

std::int64_t floor_to(std::int64_t t, std::int64_t unit) {
  const std::int64_t r = t % unit;
  return r < 0 ? t - r - unit : t - r;
}

class Search {
 public:
  Search(const Fields& f, const TimeZone& zone) : f_(f), clock_(zone) {}

  std::optional<std::int64_t> after(std::int64_t t_seconds) {
    // A field that matches no value can never fire; robfig reaches the same answer by walking
    // five years minute by minute.
    if ((f_.minute & kValueMask) == 0 || (f_.hour & kValueMask) == 0 ||
        (f_.month & kValueMask) == 0) {
      return std::nullopt;
    }
    t_ = t_seconds + 1;
    const std::int64_t year_limit = clock_.civil(t_).year + kSearchYears;
    while (true) {
      if (clock_.civil(t_).year > year_limit || steps_ > kMaxSteps) return std::nullopt;
      if (!month() || !day() || !hour() || !minute() || !second()) continue;  // wrapped
      return t_;
    }
  }

 private:
  // Each step returns false when its field wrapped around and the search must start over.
  bool month() {
    while (!has(f_.month, clock_.civil(t_).month)) {
      if (!step()) return false;
      if (reset()) {
        const auto c = clock_.civil(t_);
        t_ = clock_.date(c.year, c.month, 1, 0, 0, 0);
      }
      t_ = clock_.add_date(t_, 0, 1, 0);
      if (clock_.civil(t_).month == 1) return false;
    }
    return true;
  }

  bool day() {
    while (!day_matches(f_, clock_.civil(t_))) {
      if (!step()) return false;
      if (reset()) {
        const auto c = clock_.civil(t_);
        t_ = clock_.date(c.year, c.month, c.day, 0, 0, 0);
      }
      t_ = clock_.add_date(t_, 0, 0, 1);
      // Where DST moves midnight, the day starts at 23:00 or 01:00: nudge back to 00:00.
      const int h = clock_.civil(t_).hour;
      if (h != 0) t_ += (h > 12 ? 24 - h : -h) * std::int64_t{3600};
      if (clock_.civil(t_).day == 1) return false;
    }
    return true;
  }

  bool hour() {
    while (!has(f_.hour, clock_.civil(t_).hour)) {
      if (!step()) return false;
      if (reset()) {
        const auto c = clock_.civil(t_);
        t_ = clock_.date(c.year, c.month, c.day, c.hour, 0, 0);
      }
      t_ += 3600;
      if (clock_.civil(t_).hour == 0) return false;
    }
    return true;
  }

  bool minute() {
    while (!has(f_.minute, clock_.civil(t_).minute)) {
      if (!step()) return false;
      if (reset()) t_ = floor_to(t_, 60);  // Go's Truncate works on the instant, not the wall
      t_ += 60;
      if (clock_.civil(t_).minute == 0) return false;
    }
    return true;
  }

  // Standard schedules fire at second 0 (seconds can differ from the instant's only in zones
  // whose offset has seconds, i.e. local mean time before ~1900).
  bool second() {
    while (clock_.civil(t_).second != 0) {
      if (!step()) return false;
      reset();
      t_ += 1;
      if (clock_.civil(t_).second == 0) return false;
    }
    return true;
  }

  // Counts a step; false once the search has run away (callers then end their loop).
  bool step() { return ++steps_ <= kMaxSteps; }

  // True the first time any field moves: robfig then zeroes the smaller fields once.
  bool reset() {
    if (added_) return false;
    added_ = true;
    return true;
  }

  const Fields& f_;
  WallClock clock_;
  std::int64_t t_ = 0;
  bool added_ = false;
  int steps_ = 0;
};

std::optional<SystemTime> to_system_time(std::int64_t seconds) {
  if (seconds > kMaxSeconds || seconds < -kMaxSeconds) return std::nullopt;
  return SystemTime(std::chrono::seconds(seconds));
}

}  // namespace

std::optional<SystemTime> CronSchedule::next(SystemTime t, const TimeZone& zone) const {
  const std::int64_t start = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  if (const auto* delay = std::get_if<std::chrono::seconds>(&rep_)) {
    // ConstantDelaySchedule: drop the fraction of a second, then add the delay.
    if (start > kMaxSeconds - delay->count()) return std::nullopt;
    return to_system_time(start + delay->count());
  }
  const auto found = Search(std::get<Fields>(rep_), zone).after(start);
  if (!found) return std::nullopt;
  return to_system_time(*found);
}

}  // namespace orderops::schedule
