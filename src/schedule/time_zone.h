// IANA time zones for schedules (spec field timeZone), read from the system tzdata through
// date/tz, with names validated as Kubernetes validates CronJob.spec.timeZone and offsets
// computed exactly as Go's time package computes them (robfig/cron runs on it).
// TimeZone is an immutable value, cheap to copy; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace orderops::schedule {

// A span of Unix seconds [begin, end) sharing one UTC offset.
struct OffsetSpan {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int32_t offset = 0;  // seconds east of UTC
};

class TimeZone {
 public:
  // Validates the name (validate_time_zone_name) and loads it. "UTC" always loads. Errors are
  // kInvalid with a message such as `unknown time zone "Mars/Olympus"`.
  static Result<TimeZone> load(std::string_view name);
  // The zone of the default timeZone (`UTC`), without touching the tz database.
  static TimeZone utc();

  // The name as given to load().
  const std::string& name() const;

  // Seconds east of UTC in force at t.
  std::chrono::seconds offset_at(SystemTime t) const;

  // RFC 3339 in this zone with its offset, whole seconds, as Go's time.RFC3339 writes it:
  // "2026-11-23T09:00:00+08:00", and "Z" when the offset is zero.
  std::string format_rfc3339(SystemTime t) const;

  // The offset at a Unix second and the span of seconds around it that share it (for the
  // cron search, which looks up neighbouring seconds many times).
  OffsetSpan span_at(std::int64_t unix_seconds) const;

 private:
  struct Impl;
  explicit TimeZone(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Kubernetes' rules for CronJob.spec.timeZone before the zone is looked up: not empty, not
// "Local" (any case), and each '/'-separated part matches ^[A-Za-z.\-_0-9+]{1,14}$, is not "."
// or "..", and does not start with '-'.
Status validate_time_zone_name(std::string_view name);

}  // namespace orderops::schedule
