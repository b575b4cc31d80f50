// CronSchedule::parse: robfig/cron v3 ParseStandard, field by field, with error messages that
// name the field. Acceptance must match robfig exactly (the differential test checks it), so
// its quirks are kept: `*-5` is `*`, `5/15` is `5-max/15`, `,` alone matches nothing, `+5` is 5.
#include <algorithm>
#include <array>
#include <span>
#include <string>

#include "common/go_duration.h"
#include "schedule/cron_schedule.h"
#include "schedule/go_compat.h"

namespace orderops::schedule {
namespace {

struct FieldSpec {
  std::string_view name;
  std::uint64_t min;
  std::uint64_t max;
  std::span<const std::string_view> names;  // value = min + index; empty for numeric fields
  std::string_view names_hint;
};

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, {}, ""},
    {"hour", 0, 23, {}, ""},
    {"day-of-month", 1, 31, {}, ""},
    {"month", 1, 12, kMonthNames, " or a month name (jan-dec)"},
    {"day-of-week", 0, 6, kDayNames, " or a day name (sun-sat)"},
}};

// robfig's getBits: the values min, min+step, ... up to max.
std::uint64_t bits(std::uint64_t min, std::uint64_t max, std::uint64_t step) {
  std::uint64_t out = 0;
  for (std::uint64_t i = min; i <= max; i += step) out |= std::uint64_t{1} << i;
  return out;
}

std::uint64_t all(const FieldSpec& f) { return bits(f.min, f.max, 1) | CronSchedule::kStarBit; }

class FieldParser {
 public:
  explicit FieldParser(const FieldSpec& spec) : spec_(spec) {}

  // A comma-separated list of ranges; empty list items are skipped, so "," matches nothing.
  Result<std::uint64_t> parse(std::string_view field) const {
    std::uint64_t out = 0;
    for (std::string_view item : go::split(field, ',')) {
      if (item.empty()) continue;
      auto r = range(item);
      if (!r) return r;
      out |= *r;
    }
    return out;
  }

 private:
  Result<std::uint64_t> range(std::string_view expr) const {
    const auto range_and_step = go::split(expr, '/');
    const auto low_and_high = go::split(range_and_step[0], '-');
    const bool single = low_and_high.size() == 1;
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::uint64_t extra = 0;
    if (low_and_high[0] == "*" || low_and_high[0] == "?") {
      // robfig ignores whatever follows a star's hyphen.
      start = spec_.min;
      end = spec_.max;
      extra = CronSchedule::kStarBit;
    } else {
      auto s = number_or_name(expr, low_and_high[0]);
      if (!s) return s;
      start = end = *s;
      if (low_and_high.size() == 2) {
        auto e = number_or_name(expr, low_and_high[1]);
        if (!e) return e;
        end = *e;
      } else if (low_and_high.size() > 2) {
        return invalid(context(expr) + " too many hyphens");
      }
    }
    std::uint64_t step = 1;
    if (range_and_step.size() == 2) {
      auto st = number(expr, range_and_step[1]);
      if (!st) return st;
      step = *st;
      if (single) end = spec_.max;  // "N/step" means "N-max/step"
      if (step > 1) extra = 0;
    } else if (range_and_step.size() > 2) {
      return invalid(context(expr) + " too many slashes");
    }
    const std::string bounds = std::to_string(spec_.min) + "-" + std::to_string(spec_.max);
    if (start < spec_.min) {
      return invalid(context(expr) + " " + std::to_string(start) + " out of range " + bounds);
    }
    if (end > spec_.max) {
      return invalid(context(expr) + " " + std::to_string(end) + " out of range " + bounds);
    }
    if (start > end) {
      return invalid(context(expr) + " range start " + std::to_string(start) +
                     " is after its end " + std::to_string(end));
    }
    if (step == 0) return invalid(context(expr) + " step must be at least 1");
    return bits(start, end, step) | extra;
  }

  // "minute" for a bare number, `minute "5-61":` otherwise, so the message shows what was wrong.
  std::string context(std::string_view expr) const {
    const bool bare = !expr.empty() && expr.find_first_not_of("0123456789") == expr.npos;
    std::string out(spec_.name);
    if (!bare) out.append(" ").append(go::quote(expr)).append(":");
    return out;
  }

  Result<std::uint64_t> number_or_name(std::string_view expr, std::string_view token) const {
    if (!spec_.names.empty()) {
      if (const auto lowered = go::lower_ascii(token)) {
        for (std::size_t i = 0; i < spec_.names.size(); ++i) {
          if (*lowered == spec_.names[i]) return spec_.min + i;
        }
      }
    }
    return number(expr, token);
  }

  Result<std::uint64_t> number(std::string_view expr, std::string_view token) const {
    const auto n = go::atoi(token);
    if (!n) {
      return invalid(std::string(spec_.name) + " " + go::quote(expr) + ": " + go::quote(token) +
                     " is not a number" + std::string(spec_.names_hint));
    }
    if (*n < 0) {
      return invalid(std::string(spec_.name) + " " + go::quote(expr) + ": negative number " +
                     std::to_string(*n) + " not allowed");
    }
    return static_cast<std::uint64_t>(*n);
  }

  const FieldSpec& spec_;
};

Result<std::variant<CronSchedule::Fields, std::chrono::seconds>> parse_descriptor(
    std::string_view d) {
  const FieldSpec& hour = kFields[1];
  const FieldSpec& dom = kFields[2];
  const FieldSpec& month = kFields[3];
  const FieldSpec& dow = kFields[4];
  constexpr std::uint64_t zero = 1;        // value 0 only (minute, hour, Sunday)
  constexpr std::uint64_t first = 1 << 1;  // value 1 only (day 1, January)
  using F = CronSchedule::Fields;
  if (d == "@yearly" || d == "@annually") return F{zero, zero, first, first, all(dow)};
  if (d == "@monthly") return F{zero, zero, first, all(month), all(dow)};
  if (d == "@weekly") return F{zero, zero, all(dom), all(month), zero};
  if (d == "@daily" || d == "@midnight") return F{zero, zero, all(dom), all(month), all(dow)};
  if (d == "@hourly") return F{zero, all(hour), all(dom), all(month), all(dow)};
  constexpr std::string_view kEvery = "@every ";
  if (d.starts_with(kEvery)) {
    const auto duration = parse_go_duration(d.substr(kEvery.size()));
    if (!duration) return invalid("@every: " + duration.error().message);
    // robfig's Every: at least one second, and whole seconds only.
    const auto delay = std::max<Duration>(*duration, std::chrono::seconds(1));
    return std::chrono::floor<std::chrono::seconds>(delay);
  }
  return invalid(
      "unknown descriptor (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
      "@hourly or @every <duration>)");
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expr) {
  const std::string quoted = go::quote(expr);
  auto fail = [&](const Error& e) { return invalid(quoted + ": " + e.message); };
  if (expr.empty()) return invalid(quoted + ": empty schedule");
  // As Kubernetes validation: any "TZ" (TZ=, CRON_TZ=) is refused; the zone is its own field.
  if (expr.find("TZ") != std::string_view::npos) {
    return invalid(quoted + ": cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
  }
  if (expr[0] == '@') {
    auto rep = parse_descriptor(expr);
    if (!rep) return fail(rep.error());
    return CronSchedule(std::string(expr), *rep);
  }
  const auto words = go::fields(expr);
  if (words.size() != kFields.size()) {
    return invalid(quoted +
                   ": expected 5 fields (minute hour day-of-month month day-of-week), found " +
                   std::to_string(words.size()));
  }
  std::array<std::uint64_t, 5> values{};
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    auto v = FieldParser(kFields[i]).parse(words[i]);
    if (!v) return fail(v.error());
    values[i] = *v;
  }
  return CronSchedule(std::string(expr),
                      Fields{values[0], values[1], values[2], values[3], values[4]});
}

}  // namespace orderops::schedule
