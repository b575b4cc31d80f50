// The scheduling fields of api.md 1.1, shared by an ATP and each PSS task. Value type;
// thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/defaults.h"
#include "api/enums.h"

namespace orderops::api {

struct Scheduling {
  std::string schedule;  // 5-field cron or @descriptor; the default depends on the kind/task
  std::string time_zone{defaults::kTimeZone};
  bool suspend = defaults::kSuspend;
  ConcurrencyPolicy concurrency_policy = defaults::kConcurrencyPolicy;
  std::optional<std::int64_t> starting_deadline_seconds;  // unset: no deadline
  std::int64_t active_deadline_seconds = defaults::kActiveDeadlineSeconds;

  bool operator==(const Scheduling&) const = default;
};

}  // namespace orderops::api
