#include "schedule/posix_tz.h"

#include <date/date.h>

#include <array>
#include <fstream>
#include <iterator>
#include <limits>
#include <vector>

namespace orderops::schedule {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kOmega = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go's tzsetNum: digits in [min, max]; at least one digit.
std::optional<int> take_num(std::string_view& s, int min, int max) {
  if (s.empty() || !is_digit(s[0])) return std::nullopt;
  int num = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    num = num * 10 + (s[i] - '0');
    if (num > max) return std::nullopt;
  }
  if (num < min) return std::nullopt;
  s.remove_prefix(i);
  return num;
}

// Go's tzsetName: an alphabetic name of 3+ characters, or <quoted>.
bool take_name(std::string_view& s) {
  if (s.empty()) return false;
  if (s[0] == '<') {
    const auto close = s.find('>');
    if (close == std::string_view::npos) return false;
    s.remove_prefix(close + 1);
    return true;
  }
  const auto stop = s.find_first_of("0123456789,-+");
  if (stop == std::string_view::npos) {
    if (s.size() < 3) return false;
    s = {};
    return true;
  }
  if (stop < 3) return false;
  s.remove_prefix(stop);
  return true;
}

// Go's tzsetOffset: [+-]hh[:mm[:ss]], hours up to 24*7 as tzcode allows. POSIX sign convention
// (positive is west), not negated here.
std::optional<std::int32_t> take_offset(std::string_view& s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const auto hours = take_num(s, 0, 24 * 7);
  if (!hours) return std::nullopt;
  std::int32_t off = *hours * 3600;
  for (int multiplier : {60, 1}) {
    if (s.empty() || s[0] != ':') break;
    s.remove_prefix(1);
    const auto part = take_num(s, 0, 59);
    if (!part) return std::nullopt;
    off += *part * multiplier;
  }
  return negative ? -off : off;
}

bool is_leap(std::int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  return date::sys_days(date::year(static_cast<int>(y)) / date::month(m) / date::day(d))
      .time_since_epoch()
      .count();
}

std::uint32_t read_be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

std::optional<PosixTzRule> PosixTzRule::parse(std::string_view s) {
  PosixTzRule rule;
  if (!take_name(s)) return std::nullopt;
  const auto std_off = take_offset(s);
  if (!std_off) return std::nullopt;
  // POSIX offsets are added to local time to get UTC; ours are added to UTC.
  rule.std_offset_ = -*std_off;
  if (s.empty() || s[0] == ',') return rule;

  if (!take_name(s)) return std::nullopt;
  if (s.empty() || s[0] == ',') {
    rule.dst_offset_ = rule.std_offset_ + 3600;
  } else {
    const auto dst_off = take_offset(s);
    if (!dst_off) return std::nullopt;
    rule.dst_offset_ = -*dst_off;
  }
  rule.has_dst_ = true;
  std::string_view rules = s.empty() ? std::string_view(",M3.2.0,M11.1.0") : s;
  if (rules[0] != ',' && rules[0] != ';') return std::nullopt;
  rules.remove_prefix(1);

  auto take_rule = [&rules](Rule& r) {
    if (rules.empty()) return false;
    if (rules[0] == 'J') {
      rules.remove_prefix(1);
      const auto day = take_num(rules, 1, 365);
      if (!day) return false;
      r.kind = Kind::kJulian;
      r.day = *day;
    } else if (rules[0] == 'M') {
      rules.remove_prefix(1);
      const auto month = take_num(rules, 1, 12);
      if (!month || rules.empty() || rules[0] != '.') return false;
      rules.remove_prefix(1);
      const auto week = take_num(rules, 1, 5);
      if (!week || rules.empty() || rules[0] != '.') return false;
      rules.remove_prefix(1);
      const auto day = take_num(rules, 0, 6);
      if (!day) return false;
      r = Rule{Kind::kMonthWeekDay, *day, *week, *month, r.time};
    } else {
      const auto day = take_num(rules, 0, 365);
      if (!day) return false;
      r.kind = Kind::kDayOfYear;
      r.day = *day;
    }
    if (rules.empty() || rules[0] != '/') return true;
    rules.remove_prefix(1);
    const auto time = take_offset(rules);
    if (!time) return false;
    r.time = *time;
    return true;
  };
  if (!take_rule(rule.start_) || rules.empty() || rules[0] != ',') return std::nullopt;
  rules.remove_prefix(1);
  if (!take_rule(rule.end_) || !rules.empty()) return std::nullopt;
  return rule;
}

// Seconds from the start of `year` (UTC) to the transition, given the offset in force before it.
std::int64_t PosixTzRule::rule_seconds(std::int64_t year, const Rule& r, std::int32_t offset) {
  std::int64_t day = 0;
  switch (r.kind) {
    case Kind::kJulian:
      // Jn never counts February 29.
      day = r.day - 1 + ((is_leap(year) && r.day >= 60) ? 1 : 0);
      break;
    case Kind::kDayOfYear:
      day = r.day;
      break;
    case Kind::kMonthWeekDay: {
      const auto month = static_cast<unsigned>(r.month);
      const date::year_month ym{date::year(static_cast<int>(year)), date::month(month)};
      const auto first = date::weekday(date::sys_days(ym / date::day(1))).c_encoding();
      std::int64_t d = r.day - static_cast<int>(first);
      if (d < 0) d += 7;
      // Week 5 means the last such weekday of the month.
      const auto days_in = static_cast<std::int64_t>(unsigned((ym / date::last).day()));
      for (int i = 1; i < r.week && d + 7 < days_in; ++i) d += 7;
      day = days_from_civil(year, month, 1) - days_from_civil(year, 1, 1) + d;
      break;
    }
  }
  return day * kSecondsPerDay + r.time - offset;
}

OffsetSpan PosixTzRule::span_at(std::int64_t unix, std::int64_t last_transition) const {
  if (!has_dst_) return {last_transition, kOmega, std_offset_};
  const auto days = date::floor<date::days>(date::sys_seconds(std::chrono::seconds(unix)));
  const date::year_month_day ymd(days);
  const std::int64_t year = int(ymd.year());
  const std::int64_t year_start = days_from_civil(year, 1, 1) * kSecondsPerDay;
  const std::int64_t yday = days.time_since_epoch().count() - days_from_civil(year, 1, 1);
  // Go adds the remainder with truncating division; identical for times after 1970.
  const std::int64_t ysec = yday * kSecondsPerDay + unix % kSecondsPerDay;

  std::int64_t start = rule_seconds(year, start_, std_offset_);
  std::int64_t end = rule_seconds(year, end_, dst_offset_);
  std::int32_t outside = std_offset_;
  std::int32_t inside = dst_offset_;
  if (end < start) {  // southern hemisphere: DST spans the new year
    std::swap(start, end);
    std::swap(outside, inside);
  }
  OffsetSpan span;
  if (ysec < start) {
    span = {year_start, year_start + start, outside};
  } else if (ysec >= end) {
    span = {year_start + end, year_start + 365 * kSecondsPerDay, outside};
  } else {
    span = {year_start + start, year_start + end, inside};
  }
  // Go's spans are only exact near transitions; never let a caller cache beyond the instant.
  if (unix < span.begin || unix >= span.end) span = {unix, unix + 1, span.offset};
  return span;
}

std::optional<TzifTail> read_tzif_tail(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  const std::vector<unsigned char> data{std::istreambuf_iterator<char>(in),
                                        std::istreambuf_iterator<char>()};
  constexpr std::size_t kHeader = 44;
  auto counts_at = [&](std::size_t pos, std::array<std::uint64_t, 6>& n) {
    if (pos + kHeader > data.size() || data[pos] != 'T' || data[pos + 1] != 'Z' ||
        data[pos + 2] != 'i' || data[pos + 3] != 'f') {
      return false;
    }
    for (std::size_t i = 0; i < 6; ++i) n[i] = read_be32(&data[pos + 20 + 4 * i]);
    return true;
  };
  // Counts: UT/local indicators, standard/wall indicators, leap seconds, transitions, types,
  // abbreviation characters.
  std::array<std::uint64_t, 6> n{};
  if (!counts_at(0, n) || data[4] < '2') return std::nullopt;
  const std::size_t v1_size = n[3] * 5 + n[4] * 6 + n[5] + n[2] * 8 + n[1] + n[0];
  const std::size_t v2_header = kHeader + v1_size;
  if (!counts_at(v2_header, n)) return std::nullopt;
  const std::size_t times = v2_header + kHeader;
  const std::size_t v2_size = n[3] * 9 + n[4] * 6 + n[5] + n[2] * 12 + n[1] + n[0];
  if (times + v2_size > data.size()) return std::nullopt;

  TzifTail tail;
  if (n[3] > 0) {
    const unsigned char* p = &data[times + (n[3] - 1) * 8];
    const std::uint64_t hi = read_be32(p);
    const std::uint64_t lo = read_be32(p + 4);
    tail.last_transition = static_cast<std::int64_t>((hi << 32) | lo);
  }
  const std::size_t footer = times + v2_size;
  if (data.size() - footer > 2 && data[footer] == '\n' && data.back() == '\n') {
    const std::string text(data.begin() + static_cast<std::ptrdiff_t>(footer) + 1, data.end() - 1);
    tail.rule = PosixTzRule::parse(text);
  }
  return tail;
}

}  // namespace orderops::schedule
