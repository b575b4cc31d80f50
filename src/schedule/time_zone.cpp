#include "schedule/time_zone.h"

#include <date/tz.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <system_error>

#include "schedule/go_compat.h"
#include "schedule/posix_tz.h"

namespace orderops::schedule {
namespace {

constexpr std::int64_t kAlpha = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kOmega = std::numeric_limits<std::int64_t>::max();

// Where Go's LoadLocation looks on Unix, in its order; date/tz reads the same files.
constexpr std::array<const char*, 3> kZoneDirs = {
    "/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/"};

bool valid_part(std::string_view part) {
  if (part.empty() || part.size() > 14 || part == "." || part == ".." || part[0] == '-') {
    return false;
  }
  for (char c : part) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == '+';
    if (!ok) return false;
  }
  return true;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::filesystem::path> zone_file(std::string_view name) {
  std::error_code ec;
  for (const char* dir : kZoneDirs) {
    std::filesystem::path p = std::string(dir) + std::string(name);
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

// date/tz lists only the zones of the tzdb proper. Go also opens aliases such as
// "posix/Europe/Berlin" or "posixrules" (links to a listed zone): follow the link to the listed
// name so both accept the same names.
const date::time_zone* locate(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
  }
  const auto file = zone_file(name);
  if (!file) return nullptr;
  std::error_code ec;
  const auto target = std::filesystem::canonical(*file, ec);
  if (ec) return nullptr;
  for (const char* dir : kZoneDirs) {
    const auto root = std::filesystem::canonical(dir, ec);
    if (ec) continue;
    const auto rel = target.lexically_relative(root);
    if (rel.empty() || rel.begin()->string() == "..") continue;
    try {
      return date::locate_zone(rel.string());
    } catch (const std::exception&) {
    }
  }
  return nullptr;
}

}  // namespace

struct TimeZone::Impl {
  std::string name;
  const date::time_zone* zone = nullptr;  // null: UTC
  TzifTail tail;
};

Status validate_time_zone_name(std::string_view name) {
  const std::string quoted = go::quote(name);
  if (name.empty()) return invalid("time zone must not be empty (omit the field for UTC)");
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const auto part =
        name.substr(start, slash == std::string_view::npos ? name.npos : slash - start);
    if (!valid_part(part)) return invalid("unknown time zone " + quoted);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (equals_ignore_case(name, "Local")) {
    return invalid("time zone " + quoted + " is not allowed: name an explicit IANA zone");
  }
  return {};
}

Result<TimeZone> TimeZone::load(std::string_view name) {
  if (auto ok = validate_time_zone_name(name); !ok) return std::unexpected(ok.error());
  if (name == "UTC") return utc();
  auto impl = std::make_shared<Impl>();
  impl->name = std::string(name);
  try {
    impl->zone = locate(name);
    // The first lookup reads the zone's file: do it here, where a failure can still be reported.
    if (impl->zone != nullptr) impl->zone->get_info(date::sys_seconds{});
  } catch (const std::exception& e) {
    return invalid("time zone " + go::quote(name) + ": cannot read tz database: " + e.what());
  }
  if (impl->zone == nullptr && zone_file(name)) {
    // Go would open these files too; date/tz does not list them. Rare enough to refuse plainly.
    return invalid("time zone " + go::quote(name) +
                   " is not supported (leap-second \"right/\" zones and \"Factory\" are not in "
                   "the tz database)");
  }
  if (impl->zone == nullptr) return invalid("unknown time zone " + go::quote(name));
  if (const auto file = zone_file(name)) {
    if (auto tail = read_tzif_tail(*file)) impl->tail = std::move(*tail);
  }
  return TimeZone(std::move(impl));
}

TimeZone TimeZone::utc() {
  auto impl = std::make_shared<Impl>();
  impl->name = "UTC";
  return TimeZone(std::move(impl));
}

const std::string& TimeZone::name() const { return impl_->name; }

OffsetSpan TimeZone::span_at(std::int64_t unix) const {
  if (impl_->zone == nullptr) return {kAlpha, kOmega, 0};
  const auto& tail = impl_->tail;
  if (tail.rule && (!tail.last_transition || unix >= *tail.last_transition)) {
    return tail.rule->span_at(unix, tail.last_transition.value_or(kAlpha));
  }
  const auto info = impl_->zone->get_info(date::sys_seconds{std::chrono::seconds{unix}});
  OffsetSpan span{info.begin.time_since_epoch().count(), info.end.time_since_epoch().count(),
                  static_cast<std::int32_t>(info.offset.count())};
  // The table's last span is open-ended in date/tz; the TZ rule takes over from there.
  if (tail.rule && tail.last_transition) span.end = std::min(span.end, *tail.last_transition);
  return span;
}

std::chrono::seconds TimeZone::offset_at(SystemTime t) const {
  return std::chrono::seconds(
      span_at(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count()).offset);
}

std::string TimeZone::format_rfc3339(SystemTime t) const {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const std::int32_t offset = span_at(secs.time_since_epoch().count()).offset;
  const auto local = date::sys_seconds(secs) + std::chrono::seconds(offset);
  std::string out = date::format("%FT%T", local);
  if (offset == 0) return out + "Z";
  // Go prints whole minutes of the offset (truncated toward zero, sign included), never seconds.
  const std::int32_t minutes = offset / 60;
  const std::int32_t abs_minutes = minutes < 0 ? -minutes : minutes;
  char zone[16];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", minutes < 0 ? '-' : '+', abs_minutes / 60,
                abs_minutes % 60);
  return out + zone;
}

}  // namespace orderops::schedule
