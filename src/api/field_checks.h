// Field-level checks shared by the validation of both kinds. Each appends a FieldError naming
// `path` when the value is bad, with the same limits as the CRD schemas in crds/. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/field_error.h"
#include "api/secret_ref.h"

namespace orderops::api::checks {

// "0: must be between 1 and 10000"
void range(FieldErrors& errors, std::string path, std::int64_t value, std::int64_t min,
           std::int64_t max);
// "0: must be at least 1"
void at_least(FieldErrors& errors, std::string path, std::int64_t value, std::int64_t min);

// A 5-field cron expression or @descriptor; TZ=/CRON_TZ= prefixes are rejected as CronJob does.
void schedule(FieldErrors& errors, std::string path, std::string_view value);
// An IANA name that loads (Kubernetes CronJob rules: not empty, not "Local").
void time_zone(FieldErrors& errors, std::string path, std::string_view value);
// A positive Go duration ("72h", "1h30m").
void positive_duration(FieldErrors& errors, std::string path, std::string_view value);

// Secret name (DNS-1123 subdomain, <= 253) and key ([-._a-zA-Z0-9]+, <= 253).
void secret_name(FieldErrors& errors, std::string path, std::string_view value);
void secret_key(FieldErrors& errors, std::string path, std::string_view value);
void secret_key_selector(FieldErrors& errors, const std::string& path,
                         const SecretKeySelector& ref);

// [schema.]table, each part [A-Za-z_][A-Za-z0-9_]{0,62}.
void sql_table(FieldErrors& errors, std::string path, std::string_view value);
// "" or a LISTEN/NOTIFY channel identifier [A-Za-z_][A-Za-z0-9_]*, <= 63.
void notify_channel(FieldErrors& errors, std::string path, std::string_view value);
// Non-empty, digits only, at most 32 (WeChat Pay mchid); `optional` accepts "".
void digits(FieldErrors& errors, std::string path, std::string_view value, bool optional);
// https:// or http:// URL: scheme, host[:port], optional path; no query or fragment.
void http_url(FieldErrors& errors, std::string path, std::string_view value);
// Absolute, no ".." component, <= 1024.
void absolute_path(FieldErrors& errors, std::string path, std::string_view value);
// An upper-case WeChat Pay error code, ^[A-Z][A-Z0-9_]*$.
void error_code(FieldErrors& errors, std::string path, std::string_view value);

bool is_dns_subdomain(std::string_view value);
bool is_sql_identifier(std::string_view value);

}  // namespace orderops::api::checks
