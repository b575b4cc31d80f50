// The few operations of Go's time.Time that robfig/cron's search uses, on Unix seconds read in
// one zone: the local calendar fields of an instant, time.Date (including how it picks an
// offset for wall times that a DST change skips or repeats) and AddDate. Reproducing these,
// rather than using date/tz's own local-time conversions, is what makes DST gaps and overlaps
// come out as Kubernetes CronJob has them. Internal to src/schedule.
// Not thread-safe (caches the last offset span); make one per computation.
#pragma once

#include <cstdint>

#include "schedule/time_zone.h"

namespace orderops::schedule {

struct CivilTime {
  std::int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = 0;  // 0 = Sunday
};

class WallClock {
 public:
  explicit WallClock(const TimeZone& zone) : zone_(zone) {}

  std::int32_t offset(std::int64_t unix);
  CivilTime civil(std::int64_t unix);
  // time.Date(year, month, day, hour, minute, second, 0, zone): fields may overflow their
  // ranges and are normalised as Go does.
  std::int64_t date(std::int64_t year, std::int64_t month, std::int64_t day, std::int64_t hour,
                    std::int64_t minute, std::int64_t second);
  // t.AddDate(years, months, days).
  std::int64_t add_date(std::int64_t unix, int years, int months, int days);

 private:
  const TimeZone& zone_;
  OffsetSpan span_{0, 0, 0};
};

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1 may overflow).
std::int64_t days_from_civil(std::int64_t year, int month, int day);

}  // namespace orderops::schedule
