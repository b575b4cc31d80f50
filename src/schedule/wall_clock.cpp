#include "schedule/wall_clock.h"

#include <date/date.h>

namespace orderops::schedule {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  const date::year_month_day ymd{date::year(static_cast<int>(year)),
                                 date::month(static_cast<unsigned>(month)), date::day(1)};
  return date::sys_days(ymd).time_since_epoch().count() + (day - 1);
}

std::int32_t WallClock::offset(std::int64_t unix) {
  if (unix < span_.begin || unix >= span_.end) span_ = zone_.span_at(unix);
  return span_.offset;
}

CivilTime WallClock::civil(std::int64_t unix) {
  const std::int64_t local = unix + offset(unix);
  const std::int64_t days = floor_div(local, kSecondsPerDay);
  const std::int64_t secs = local - days * kSecondsPerDay;
  const date::year_month_day ymd{date::sys_days(date::days(days))};
  CivilTime c;
  c.year = int(ymd.year());
  c.month = static_cast<int>(unsigned(ymd.month()));
  c.day = static_cast<int>(unsigned(ymd.day()));
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(date::weekday(date::sys_days(date::days(days))).c_encoding());
  return c;
}

std::int64_t WallClock::date(std::int64_t year, std::int64_t month, std::int64_t day,
                             std::int64_t hour, std::int64_t minute, std::int64_t second) {
  // Only the month needs normalising first (months have different lengths); the rest is a sum.
  const std::int64_t m0 = month - 1;
  year += floor_div(m0, 12);
  const int m = static_cast<int>(m0 - floor_div(m0, 12) * 12) + 1;
  const std::int64_t local = days_from_civil(year, m, 1) * kSecondsPerDay +
                             (day - 1) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  // Go's rule: guess the offset by reading the wall time as UTC; unless that guess is zero,
  // take the offset in force at the instant the guess gives. For a wall time inside a DST gap or
  // overlap this is what decides which instant comes out.
  const std::int32_t guess = offset(local);
  if (guess == 0) return local;
  return local - offset(local - guess);
}

std::int64_t WallClock::add_date(std::int64_t unix, int years, int months, int days) {
  const CivilTime c = civil(unix);
  return date(c.year + years, c.month + months, c.day + days, c.hour, c.minute, c.second);
}

}  // namespace orderops::schedule
