// The POSIX TZ rule at the end of a TZif file (e.g. "CET-1CEST,M3.5.0,M10.5.0/3") and the
// facts of the file it needs: when its transition table ends. Go applies the rule after the last
// transition, while date/tz's OS mode stops at the table (2037 in Debian's "fat" files), so
// without it DST would vanish in 2038. Evaluated exactly as Go's time package does (tzset).
// Internal to src/schedule. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/time_zone.h"

namespace orderops::schedule {

class PosixTzRule {
 public:
  // nullopt when Go's tzset would reject the text (Go then keeps the table's last offset).
  static std::optional<PosixTzRule> parse(std::string_view text);

  // Offset at `unix`, and the span around it, as Go computes it for times at or after
  // `last_transition` (the start of the tail the rule governs).
  OffsetSpan span_at(std::int64_t unix, std::int64_t last_transition) const;

 private:
  enum class Kind { kJulian, kDayOfYear, kMonthWeekDay };
  struct Rule {
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;
    int week = 0;
    int month = 0;
    std::int32_t time = 7200;  // seconds after local midnight; 02:00 by default
  };
  static std::int64_t rule_seconds(std::int64_t year, const Rule& rule, std::int32_t offset);

  std::int32_t std_offset_ = 0;
  bool has_dst_ = false;
  std::int32_t dst_offset_ = 0;
  Rule start_;
  Rule end_;
};

// What Go reads from a TZif file beyond what date/tz exposes.
struct TzifTail {
  // Time of the last transition; nullopt when the table is empty (the rule then governs always).
  std::optional<std::int64_t> last_transition;
  std::optional<PosixTzRule> rule;
};

// nullopt when the file is missing or not TZif version 2 or later.
std::optional<TzifTail> read_tzif_tail(const std::filesystem::path& file);

}  // namespace orderops::schedule
