// Event reasons of api.md section 5 (Normal and Warning). Alert rules and `kubectl describe`
// readers match on them: never rename. Constants only.
#pragma once

#include <string_view>

namespace orderops::api::event_reasons {

inline constexpr std::string_view kTypeNormal = "Normal";
inline constexpr std::string_view kTypeWarning = "Warning";

// Normal
inline constexpr std::string_view kRunStarted = "RunStarted";
inline constexpr std::string_view kRunSucceeded = "RunSucceeded";
// api.md 4 asks for an event when a suspended resource ignores run-now without naming it.
inline constexpr std::string_view kRunNowIgnored = "RunNowIgnored";
// Warning
inline constexpr std::string_view kRunFailed = "RunFailed";
inline constexpr std::string_view kRunPartiallyFailed = "RunPartiallyFailed";
inline constexpr std::string_view kRunDeadlineExceeded = "RunDeadlineExceeded";
inline constexpr std::string_view kMissedSchedule = "MissedSchedule";
inline constexpr std::string_view kTooManyMissedStartTimes = "TooManyMissedStartTimes";
inline constexpr std::string_view kInvalidSpec = "InvalidSpec";
inline constexpr std::string_view kSecretNotFound = "SecretNotFound";
inline constexpr std::string_view kInvalidCredentials = "InvalidCredentials";
inline constexpr std::string_view kDatabaseUnavailable = "DatabaseUnavailable";

}  // namespace orderops::api::event_reasons
