#include "schedule_generator.h"

#include <array>
#include <string_view>
#include <vector>

#include "schedule/time_zone.h"

namespace orderops::schedule::testing {
namespace {

struct Bounds {
  int min;
  int max;
};
constexpr std::array<Bounds, 5> kBounds = {{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}}};

constexpr std::array<std::string_view, 12> kMonths = {"jan", "FEB", "Mar", "apr", "MAY", "jUn",
                                                      "jul", "Aug", "sep", "OCT", "nov", "Dec"};
constexpr std::array<std::string_view, 8> kDays = {"sun", "MON", "Tue", "wed",
                                                   "THU", "fri", "Sat", "FR\xC4\xB0"};

// Accepted or rejected by robfig for reasons worth pinning down.
constexpr std::array<std::string_view, 24> kOddItems = {
    "*-5", "?-3-4", "+5",    "007", "-1", "*/-1", "5-",
    "-",   "1-2-3", "1/2/3", "x",   "L",  "#",    "99999999999999999999",
    "*/0", "1-0",   "**",    "*/",  "/5", "+",    "5/0",
    "?/1", "*/1",   "0x1"};

constexpr std::array<std::string_view, 22> kZones = {
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Shanghai",
    "America/Sao_Paulo",
    "America/Santiago",
    "Pacific/Chatham",
    "Asia/Tehran",
    "Africa/Casablanca",
    "Europe/Dublin",
    "America/Havana",
    "America/Asuncion",
    "Asia/Kathmandu",
    "Pacific/Apia",
    "America/St_Johns",
    "Antarctica/Troll",
    "Europe/London",
    "Australia/Sydney",
    "Etc/GMT+5",
    "posix/Europe/Berlin",
    "America/Godthab",
};

constexpr std::array<std::string_view, 12> kBadZones = {"Mars/Olympus",
                                                        "Local",
                                                        "local",
                                                        "",
                                                        "Europe/Berlin/",
                                                        "../etc/passwd",
                                                        "-Foo",
                                                        "europe/berlin",
                                                        "Europe/ThisIsWayTooLong",
                                                        "Europe//Berlin",
                                                        "/UTC",
                                                        "Europe/"};

constexpr std::array<std::string_view, 20> kDurations = {
    "1h30m", "90s", "0.5s", "1.9999999999s", "-5s", "0", "15m",  "2h",     "1h0m1s", "1500ms",
    "1d",    "",    " 5m",  "5m ",           ".5m", "5", "1e3s", "99999h", "3µs",    "72h"};

}  // namespace

std::string ScheduleGenerator::value(int index, bool allow_junk) {
  const Bounds b = kBounds[static_cast<std::size_t>(index)];
  if (index == 3 && chance(0.25))
    return std::string(kMonths[static_cast<std::size_t>(uniform(0, 11))]);
  if (index == 4 && chance(0.25))
    return std::string(kDays[static_cast<std::size_t>(uniform(0, 7))]);
  if (allow_junk && chance(0.05)) return std::to_string(uniform(b.min - 2, b.max + 2));
  return std::to_string(uniform(b.min, b.max));
}

// Mostly ascending (valid) ranges; names and junk may come out backwards.
std::string ScheduleGenerator::range(int index, bool junk) {
  const Bounds b = kBounds[static_cast<std::size_t>(index)];
  if (junk || chance(0.3)) return value(index, junk) + "-" + value(index, junk);
  const int lo = uniform(b.min, b.max);
  return std::to_string(lo) + "-" + std::to_string(uniform(lo, b.max));
}

std::string ScheduleGenerator::item(int index) {
  const Bounds b = kBounds[static_cast<std::size_t>(index)];
  const bool junk = chance(0.08);
  switch (uniform(0, 6)) {
    case 0:
      return chance(0.8) ? "*" : "?";
    case 1:
    case 2:
      return value(index, junk);
    case 3:
      return range(index, junk);
    case 4:
      return "*/" + std::to_string(uniform(junk ? 0 : 1, b.max + (junk ? 3 : 0)));
    case 5:
      return range(index, junk) + "/" + std::to_string(uniform(1, 10));
    default:
      return value(index, junk) + "/" + std::to_string(uniform(1, 12));
  }
}

std::string ScheduleGenerator::field(int index) {
  if (chance(0.02)) return std::string(kOddItems[static_cast<std::size_t>(uniform(0, 23))]);
  if (chance(0.003)) return ",";
  if (index == 4 && chance(0.03)) return "7";
  std::string out = item(index);
  const int extra = chance(0.25) ? uniform(1, 3) : 0;
  for (int i = 0; i < extra; ++i) out += (chance(0.02) ? ",," : ",") + item(index);
  return out;
}

std::string ScheduleGenerator::separator() {
  if (!chance(0.05)) return " ";
  constexpr std::array<std::string_view, 6> kSeparators = {
      "  ", "\t", "\xC2\xA0" /* NBSP */, "\xE2\x80\x83" /* EM SPACE */, " \n ", "\xC2\x85"};
  return std::string(kSeparators[static_cast<std::size_t>(uniform(0, 5))]);
}

std::string ScheduleGenerator::descriptor() {
  constexpr std::array<std::string_view, 10> kNames = {
      "@yearly",   "@annually", "@monthly", "@weekly", "@daily",
      "@midnight", "@hourly",   "@daily ",  "@foo",    "@"};
  if (chance(0.4)) {
    return "@every " + std::string(kDurations[static_cast<std::size_t>(uniform(0, 19))]);
  }
  return std::string(kNames[static_cast<std::size_t>(uniform(0, 9))]);
}

std::string ScheduleGenerator::schedule() {
  if (chance(0.2)) return frequent_schedule();  // fires often: crosses DST changes
  if (chance(0.12)) return descriptor();
  if (chance(0.01)) return chance(0.5) ? "TZ=UTC 0 * * * *" : "CRON_TZ=Europe/Berlin 0 0 * * *";
  int count = 5;
  if (chance(0.03)) count = chance(0.5) ? 4 : 6;
  std::string out = chance(0.03) ? " " : "";
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += separator();
    out += field(i % 5);
  }
  if (chance(0.03)) out += " ";
  return out;
}

std::string ScheduleGenerator::frequent_schedule() {
  constexpr std::array<std::string_view, 12> kFrequent = {
      "*/5 * * * *",    "0 * * * *",      "30 2 * * *", "0 0 * * *",
      "15 1,2,3 * * *", "@hourly",        "@every 7m",  "0 9 * * mon-fri",
      "0 0 1 * *",      "*/15 0-3 * * *", "0 0 29 2 *", "30 6-16/4 * * 1-5"};
  return std::string(kFrequent[static_cast<std::size_t>(uniform(0, 11))]);
}

std::string ScheduleGenerator::zone() {
  if (chance(0.06)) return std::string(kBadZones[static_cast<std::size_t>(uniform(0, 11))]);
  return std::string(kZones[static_cast<std::size_t>(uniform(0, 21))]);
}

std::pair<std::int64_t, std::int64_t> ScheduleGenerator::start_time(const std::string& name) {
  constexpr std::int64_t kYear = 31556952;
  constexpr std::int64_t k1971 = 31536000;
  std::int64_t t = k1971 + uniform64(0, 128 * kYear);
  const auto zone = TimeZone::load(name);
  if (zone && chance(0.75)) {
    // Land within three days of the next offset change (sometimes exactly on it).
    const auto span = zone->span_at(t);
    if (span.end < k1971 + 130 * kYear) {
      const std::int64_t window = chance(0.5) ? 3 * 86400 : 3 * 3600;
      t = span.end + (chance(0.1) ? 0 : uniform64(-window, window));
    }
  }
  std::int64_t nanos = 0;
  if (chance(0.2)) nanos = chance(0.5) ? 999999999 : uniform64(1, 999999999);
  if (chance(0.5)) t -= t % 60;  // on a minute boundary, where slots are
  return {t, nanos};
}

}  // namespace orderops::schedule::testing
