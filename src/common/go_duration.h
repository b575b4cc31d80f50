// Go duration syntax ("72h", "1h30m", "300ms", "1.5s"), used by CRD fields such as
// timeouts.*.after and by the manager's --lease-duration flags. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace orderops {

// Parses exactly what Go's time.ParseDuration accepts (units ns, us, µs, ms, s, m, h; a sign;
// decimal fractions; "0" alone), integer-exact, including Go's float64 truncation of fractions
// (robfig's @every and the CRD's `after` fields depend on it). The message names the problem and
// the text, e.g. `unknown unit "d" in duration "1d"`.
Result<Duration> parse_go_duration(std::string_view text);

// Formats as Go's Duration.String() does: "1h30m0s", "15s", "300ms", "0s".
std::string format_go_duration(Duration d);

}  // namespace orderops
