// RFC 3339 formatting and parsing in UTC, as the Kubernetes API writes times: whole seconds for
// metav1.Time ("2026-11-21T10:00:00Z") and six fractional digits for MicroTime. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace orderops {

// "2026-11-21T10:00:00Z" (truncated to whole seconds).
std::string format_rfc3339(SystemTime t);
// "2026-11-21T10:00:00.123456Z".
std::string format_rfc3339_micro(SystemTime t);
// Accepts "Z" or a numeric offset and optional fractional seconds (up to nanoseconds).
Result<SystemTime> parse_rfc3339(std::string_view text);

}  // namespace orderops
