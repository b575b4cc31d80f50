#include "common/time_format.h"

#include <date/date.h>

#include <cctype>
#include <cstdio>

namespace orderops {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string format_rfc3339(SystemTime t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string format_rfc3339_micro(SystemTime t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::microseconds>(t));
}

Result<SystemTime> parse_rfc3339(std::string_view s) {
  auto bad = [&] { return invalid("time \"" + std::string(s) + "\": not RFC 3339"); };
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) ||
      s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, sec)) {
    return bad();
  }
  size_t pos = 19;
  std::chrono::nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long long ns = 0;
    int n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (n < 9) {
        ns = ns * 10 + (s[pos] - '0');
        ++n;
      }
      ++pos;
    }
    if (n == 0) return bad();
    for (; n < 9; ++n) ns *= 10;
    frac = std::chrono::nanoseconds(ns);
  }
  if (pos >= s.size()) return bad();
  std::chrono::minutes offset{0};
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om)) {
      return bad();
    }
    offset = std::chrono::hours(oh) + std::chrono::minutes(om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  const date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(mo)),
                                 date::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad();
  const auto days = date::sys_days(ymd);
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(
      days.time_since_epoch() + std::chrono::hours(h) + std::chrono::minutes(mi) +
      std::chrono::seconds(sec) + frac - offset));
}

}  // namespace orderops
