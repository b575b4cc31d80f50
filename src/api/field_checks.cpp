#include "api/field_checks.h"

#include <algorithm>
#include <cctype>

#include "api/schedule_checks.h"
#include "common/go_duration.h"

namespace orderops::api::checks {
namespace {

constexpr size_t kMaxNameLength = 253;       // DNS-1123 subdomain (Secret names)
constexpr size_t kMaxIdentifierLength = 63;  // PostgreSQL NAMEDATALEN - 1
constexpr size_t kMaxMchIdLength = 32;       // WeChat Pay mchid / sub_mchid
constexpr size_t kMaxScheduleLength = 128;   // as the CRD schema
constexpr size_t kMaxUrlLength = 2048;       // as the CRD schema
constexpr size_t kMaxPathLength = 1024;      // as the CRD schema

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

void add(FieldErrors& errors, std::string path, std::string detail) {
  errors.push_back({std::move(path), std::move(detail)});
}

}  // namespace

void range(FieldErrors& errors, std::string path, std::int64_t value, std::int64_t min,
           std::int64_t max) {
  if (value < min || value > max) {
    add(errors, std::move(path),
        std::to_string(value) + ": must be between " + std::to_string(min) + " and " +
            std::to_string(max));
  }
}

void at_least(FieldErrors& errors, std::string path, std::int64_t value, std::int64_t min) {
  if (value < min) {
    add(errors, std::move(path),
        std::to_string(value) + ": must be at least " + std::to_string(min));
  }
}

void schedule(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  if (value.size() > kMaxScheduleLength) {
    return add(errors, std::move(path), "must be at most 128 characters");
  }
  if (auto problem = cron_problem(value)) add(errors, std::move(path), std::move(*problem));
}

void time_zone(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  if (auto problem = time_zone_problem(value)) add(errors, std::move(path), std::move(*problem));
}

void positive_duration(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  auto d = parse_go_duration(value);
  if (!d) return add(errors, std::move(path), d.error().message);
  if (d->count() <= 0)
    add(errors, std::move(path), "duration " + quote(value) + ": must be positive");
}

bool is_dns_subdomain(std::string_view value) {
  if (value.empty() || value.size() > kMaxNameLength) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = value.find('.', start);
    const auto label =
        value.substr(start, dot == std::string_view::npos ? value.npos : dot - start);
    const auto ok = [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); };
    if (label.empty() || !ok(label.front()) || !ok(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [&](char c) { return ok(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

void secret_name(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  if (!is_dns_subdomain(value)) {
    add(errors, std::move(path),
        quote(value) +
            ": must be a Secret name (lower-case letters, digits, '-' and '.', at most 253)");
  }
}

void secret_key(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  const bool ok =
      value.size() <= kMaxNameLength && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
      });
  if (!ok) {
    add(errors, std::move(path),
        quote(value) + ": must be a Secret key (letters, digits, '-', '_' and '.', at most 253)");
  }
}

void secret_key_selector(FieldErrors& errors, const std::string& path,
                         const SecretKeySelector& ref) {
  secret_name(errors, path + ".name", ref.name);
  secret_key(errors, path + ".key", ref.key);
}

bool is_sql_identifier(std::string_view value) {
  return !value.empty() && value.size() <= kMaxIdentifierLength && is_ident_start(value.front()) &&
         std::all_of(value.begin(), value.end(), is_ident_char);
}

void sql_table(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  const size_t dot = value.find('.');
  const bool ok = dot == std::string_view::npos ? is_sql_identifier(value)
                                                : is_sql_identifier(value.substr(0, dot)) &&
                                                      is_sql_identifier(value.substr(dot + 1));
  if (!ok) {
    add(errors, std::move(path),
        quote(value) +
            ": must be a SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63), optionally "
            "schema-qualified");
  }
}

void notify_channel(FieldErrors& errors, std::string path, std::string_view value) {
  if (!value.empty() && !is_sql_identifier(value)) {
    add(errors, std::move(path),
        quote(value) + ": must be empty or a channel name ([A-Za-z_][A-Za-z0-9_]*, at most 63)");
  }
}

void digits(FieldErrors& errors, std::string path, std::string_view value, bool optional) {
  if (value.empty()) {
    if (!optional) add(errors, std::move(path), "required");
    return;
  }
  if (!std::all_of(value.begin(), value.end(), is_digit)) {
    return add(errors, std::move(path), quote(value) + ": must be digits");
  }
  if (value.size() > kMaxMchIdLength) {
    add(errors, std::move(path), quote(value) + ": must be at most 32 digits");
  }
}

void http_url(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  std::string_view rest = value;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return add(errors, std::move(path), quote(value) + ": must be an https:// or http:// URL");
  }
  const auto bad = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '?' || c == '#';
  };
  const size_t slash = rest.find('/');
  const std::string_view host = rest.substr(0, slash);
  if (host.empty() || value.size() > kMaxUrlLength || std::any_of(rest.begin(), rest.end(), bad)) {
    add(errors, std::move(path),
        quote(value) + ": must be an https:// or http:// URL with a host and no query");
  }
}

void absolute_path(FieldErrors& errors, std::string path, std::string_view value) {
  if (value.empty()) return add(errors, std::move(path), "required");
  if (value.front() != '/') return add(errors, std::move(path), "must be an absolute path");
  if (value.size() > kMaxPathLength) {
    return add(errors, std::move(path), "must be at most 1024 characters");
  }
  // Bill files are written below this path; ".." would let it point anywhere.
  size_t start = 0;
  while (start <= value.size()) {
    const size_t slash = value.find('/', start);
    const auto part =
        value.substr(start, slash == std::string_view::npos ? value.npos : slash - start);
    if (part == "..") return add(errors, std::move(path), quote(value) + ": must not contain ..");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

void error_code(FieldErrors& errors, std::string path, std::string_view value) {
  const bool ok = !value.empty() && value.front() >= 'A' && value.front() <= 'Z' &&
                  std::all_of(value.begin(), value.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
                  });
  if (!ok) {
    add(errors, std::move(path),
        quote(value) + ": must be an upper-case WeChat Pay code like RECEIVER_HIGH_RISK");
  }
}

}  // namespace orderops::api::checks
