// Removal of secrets from text that must be shown (logs, status messages, errors): a libpq URI or
// keyword DSN keeps host, port and database but loses its password. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace orderops {

inline constexpr std::string_view kRedacted = "REDACTED";

// postgresql://user:pw@host/db -> postgresql://user:REDACTED@host/db;
// "host=h password=pw" -> "host=h password=REDACTED"; anything else is returned unchanged.
std::string redact_dsn(std::string_view dsn);

// Replaces every occurrence of `secret` (when non-empty) in `text` with REDACTED.
std::string redact_value(std::string_view text, std::string_view secret);

}  // namespace orderops
