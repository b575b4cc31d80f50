// `orderops schedule next "<cron>" [--time-zone TZ] [--from RFC3339] [--count N]`: prints the
// next fire times of a schedule exactly as the controller computes them (api.md section 7).
#include <cctype>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "commands.h"
#include "common/clock.h"
#include "common/flags.h"
#include "common/time_format.h"
#include "schedule/cron_schedule.h"
#include "schedule/time_zone.h"

namespace orderops::cli {
namespace {

constexpr std::int64_t kDefaultCount = 5;
constexpr std::int64_t kMaxCount = 1000;
// The clock counts nanoseconds in 64 bits; keep --from well inside what it can hold.
constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;

constexpr const char* kUsage =
    "usage: orderops schedule next \"<cron>\" [--time-zone TZ] [--from RFC3339] [--count N]\n"
    "\n"
    "Prints the next N fire times of a schedule, one RFC 3339 timestamp with the zone's offset\n"
    "per line (\"Z\" when the offset is zero), computed as the controller computes them:\n"
    "robfig/cron v3 semantics as in Kubernetes CronJob, including daylight saving (a repeated\n"
    "hour fires twice, a skipped one does not fire).\n"
    "\n"
    "  <cron>             5 fields (minute hour day-of-month month day-of-week) or @yearly,\n"
    "                     @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <dur>\n"
    "  --time-zone TZ     IANA time zone (default UTC)\n"
    "  --from RFC3339     start after this time (default: now), years 1800-2200\n"
    "  --count N          how many fire times, 1-1000 (default 5)\n"
    "\n"
    "Exit status: 0 printed, 2 bad input (the message names the field), including a schedule\n"
    "that never fires (e.g. \"0 0 30 2 *\").\n";

int bad_input(const std::string& message) {
  std::cerr << message << "\n";
  return kExitBadInput;
}

bool wants_help(std::span<const std::string> args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") return true;
  }
  return false;
}

Result<SystemTime> parse_from(const std::string& text) {
  const bool has_year = text.size() >= 4 && std::isdigit(static_cast<unsigned char>(text[0])) &&
                        std::isdigit(static_cast<unsigned char>(text[1])) &&
                        std::isdigit(static_cast<unsigned char>(text[2])) &&
                        std::isdigit(static_cast<unsigned char>(text[3]));
  if (has_year) {
    const int year = std::stoi(text.substr(0, 4));
    if (year < kMinYear || year > kMaxYear) {
      return invalid("year " + std::to_string(year) + " out of range " + std::to_string(kMinYear) +
                     "-" + std::to_string(kMaxYear));
    }
  }
  return parse_rfc3339(text);
}

int next_command(std::span<const std::string> args) {
  std::string zone_name = "UTC";
  std::optional<std::string> from_text;
  std::int64_t count = kDefaultCount;
  FlagSet flags("orderops schedule next");
  flags.add_string("--time-zone", &zone_name, "IANA time zone (default UTC)");
  flags.add_optional_string("--from", &from_text, "RFC 3339 start time (default now)");
  flags.add_int("--count", &count, "number of fire times, 1-1000 (default 5)");
  auto positional = flags.parse(args);
  if (!positional) return report_flag_error(positional.error());
  if (positional->size() != 1) {
    return bad_input("schedule next: expected one schedule argument (quote it), got " +
                     std::to_string(positional->size()) + "\n" + kUsage);
  }
  auto schedule = schedule::CronSchedule::parse((*positional)[0]);
  if (!schedule) return bad_input("schedule: " + schedule.error().message);
  auto zone = schedule::TimeZone::load(zone_name);
  if (!zone) return bad_input("--time-zone: " + zone.error().message);
  if (count < 1 || count > kMaxCount) {
    return bad_input("--count: must be between 1 and " + std::to_string(kMaxCount) + ", got " +
                     std::to_string(count));
  }
  SystemTime t = SystemClock().now();
  if (from_text) {
    auto from = parse_from(*from_text);
    if (!from) return bad_input("--from: " + from.error().message);
    t = *from;
  }
  for (std::int64_t i = 0; i < count; ++i) {
    const auto next = schedule->next(t, *zone);
    if (!next) {
      const std::string why = "schedule: \"" + schedule->expression() +
                              "\": no fire time within 5 years after " + zone->format_rfc3339(t);
      if (i == 0) return bad_input(why);
      std::cerr << why << "\n";
      break;
    }
    std::cout << zone->format_rfc3339(*next) << "\n";
    t = *next;
  }
  return kExitOk;
}

}  // namespace

int schedule_command(std::span<const std::string> args) {
  if (args.empty()) return bad_input(kUsage);
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args[0] != "next")
    return bad_input("schedule: unknown subcommand \"" + args[0] + "\"\n" + kUsage);
  if (wants_help(args.subspan(1))) {
    std::cout << kUsage;
    return kExitOk;
  }
  return next_command(args.subspan(1));
}

}  // namespace orderops::cli
