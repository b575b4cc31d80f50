// A parsed `schedule` field: exactly what robfig/cron v3 ParseStandard accepts, as the
// Kubernetes CronJob API validates it (plus its rejection of TZ=/CRON_TZ= prefixes), and next
// fire times computed as robfig's SpecSchedule.Next / ConstantDelaySchedule.Next do, DST quirks
// included. Immutable value; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/clock.h"
#include "common/error.h"
#include "schedule/time_zone.h"

namespace orderops::schedule {

class CronSchedule {
 public:
  // 5 fields (minute hour day-of-month month day-of-week) or a descriptor (@yearly @annually
  // @monthly @weekly @daily @midnight @hourly, @every <Go duration>). The error (kInvalid) quotes
  // the expression and names the field, e.g. `"61 * * * *": minute 61 out of range 0-59`;
  // callers prefix the field path (`spec.schedule: `).
  static Result<CronSchedule> parse(std::string_view expr);

  // The next fire time strictly after t, in zone (whole seconds). nullopt when none exists within
  // robfig's search horizon (five years after t's year), e.g. "0 0 30 2 *".
  std::optional<SystemTime> next(SystemTime t, const TimeZone& zone) const;

  const std::string& expression() const { return expr_; }
  // `@every d`: fires every d after the previous fire (zone-independent).
  bool is_constant_delay() const { return std::holds_alternative<std::chrono::seconds>(rep_); }

  // Bit i of a field is set when value i matches; bit 63 records that the field was `*` or `?`
  // (robfig's star bit, which decides the day-of-month/day-of-week rule).
  struct Fields {
    std::uint64_t minute = 0;
    std::uint64_t hour = 0;
    std::uint64_t day_of_month = 0;
    std::uint64_t month = 0;
    std::uint64_t day_of_week = 0;
  };
  static constexpr std::uint64_t kStarBit = std::uint64_t{1} << 63;

 private:
  CronSchedule(std::string expr, std::variant<Fields, std::chrono::seconds> rep)
      : expr_(std::move(expr)), rep_(rep) {}

  std::string expr_;
  std::variant<Fields, std::chrono::seconds> rep_;
};

}  // namespace orderops::schedule
