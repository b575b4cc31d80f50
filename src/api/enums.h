// The closed value sets of the two kinds' fields (concurrencyPolicy, tarType, trigger, outcome),
// spelled exactly as in the JSON. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/error.h"

namespace orderops::api {

// As CronJob: Forbid skips a slot while a run is active, Replace cancels it, Allow runs both.
enum class ConcurrencyPolicy { kForbid, kReplace, kAllow };
// WeChat Pay's tar_type: GZIP is the only value it defines (bills are stored as .csv.gz).
enum class TarType { kGzip };
enum class Trigger { kSchedule, kManual };
enum class Outcome { kSucceeded, kFailed, kPartiallyFailed, kDeadlineExceeded, kCancelled };

constexpr std::string_view to_string(ConcurrencyPolicy v) {
  switch (v) {
    case ConcurrencyPolicy::kForbid:
      return "Forbid";
    case ConcurrencyPolicy::kReplace:
      return "Replace";
    case ConcurrencyPolicy::kAllow:
      return "Allow";
  }
  return "";
}

constexpr std::string_view to_string(TarType v) { return v == TarType::kGzip ? "GZIP" : ""; }

constexpr std::string_view to_string(Trigger v) {
  return v == Trigger::kSchedule ? "Schedule" : "Manual";
}

constexpr std::string_view to_string(Outcome v) {
  switch (v) {
    case Outcome::kSucceeded:
      return "Succeeded";
    case Outcome::kFailed:
      return "Failed";
    case Outcome::kPartiallyFailed:
      return "PartiallyFailed";
    case Outcome::kDeadlineExceeded:
      return "DeadlineExceeded";
    case Outcome::kCancelled:
      return "Cancelled";
  }
  return "";
}

// Exact, case-sensitive matches (as CRD enums are). Errors: `"Sometimes": must be one of Forbid,
// Replace, Allow`.
Result<ConcurrencyPolicy> parse_concurrency_policy(std::string_view text);
Result<TarType> parse_tar_type(std::string_view text);
Result<Trigger> parse_trigger(std::string_view text);
Result<Outcome> parse_outcome(std::string_view text);

}  // namespace orderops::api
