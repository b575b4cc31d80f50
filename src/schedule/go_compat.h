// Go standard-library behaviours that robfig/cron v3 inherits and that decide what a schedule
// means: strings.Fields (Unicode spaces), strconv.Atoi, strings.ToLower for month/day names
// (time.ParseDuration, for `@every`, is common/go_duration.h). Internal to src/schedule. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace orderops::schedule::go {

// `"s"`: how messages show the text they are about. (Built by appending: GCC 12 warns falsely
// about `"\"" + std::string(s)` at -O3.)
std::string quote(std::string_view s);

// strings.Fields: splits on runs of Unicode white space (U+0085, U+00A0, U+2000..U+200A, ...
// count as separators; bytes of invalid UTF-8 do not).
std::vector<std::string_view> fields(std::string_view s);

// strings.Split(s, sep) for a one-character separator: always at least one element.
std::vector<std::string_view> split(std::string_view s, char sep);

// strconv.Atoi on 64-bit: an optional sign and at least one decimal digit, within int64.
std::optional<std::int64_t> atoi(std::string_view s);

// strings.ToLower restricted to what can equal an ASCII name: nullopt when the lowered text
// would contain anything but ASCII (so it cannot match "jan".."dec" / "sun".."sat").
std::optional<std::string> lower_ascii(std::string_view s);

}  // namespace orderops::schedule::go
