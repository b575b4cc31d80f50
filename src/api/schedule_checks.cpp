#include "api/schedule_checks.h"

#include "schedule/cron_schedule.h"
#include "schedule/time_zone.h"

namespace orderops::api::checks {

// Both messages already quote the value (`"61 * * * *": minute 61 out of range 0-59`,
// `unknown time zone "Mars/Olympus"`); the caller adds the field path.
std::optional<std::string> cron_problem(std::string_view schedule) {
  auto parsed = schedule::CronSchedule::parse(schedule);
  if (parsed) return std::nullopt;
  return std::move(parsed.error().message);
}

std::optional<std::string> time_zone_problem(std::string_view zone) {
  auto loaded = schedule::TimeZone::load(zone);
  if (loaded) return std::nullopt;
  return std::move(loaded.error().message);
}

}  // namespace orderops::api::checks
