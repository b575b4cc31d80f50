// The one place where api validation calls src/schedule (cron parser, IANA zones), so the
// validator reports the same problems the scheduler would hit. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orderops::api::checks {

// Why `schedule` is not a valid cron expression (`"61 * * * *": minute 61 out of range 0-59`),
// or nullopt. TZ=/CRON_TZ= prefixes are refused as Kubernetes CronJob validation does.
std::optional<std::string> cron_problem(std::string_view schedule);
// Why `zone` is not usable (`unknown time zone "Mars/Olympus"`), or nullopt. The Kubernetes
// CronJob name rules apply (not "Local", each '/' part [A-Za-z.\-_0-9+]{1,14}, ...).
std::optional<std::string> time_zone_problem(std::string_view zone);

}  // namespace orderops::api::checks
