#include "common/go_duration.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>

namespace orderops {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t nanos;
};

// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr Unit kUnits[] = {{"ns", 1},           {"us", 1000},           {"\xC2\xB5s", 1000},
                           {"\xCE\xBCs", 1000}, {"ms", 1000000},        {"s", 1000000000},
                           {"m", 60000000000},  {"h", 3600000000000}};

std::string fmt_frac(std::uint64_t v, int prec, std::string& out_digits) {
  // Writes v / 10^prec with trailing zeros of the fraction removed, Go style.
  std::string frac;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = v % 10;
    print = print || digit != 0;
    if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  out_digits = std::to_string(v);
  return frac.empty() ? "" : "." + frac;
}

}  // namespace

Result<Duration> parse_go_duration(std::string_view text) {
  const std::string quoted = "duration \"" + std::string(text) + "\"";
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return invalid(quoted + ": empty");
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double value = 0;
    bool any = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      value = value * 10 + (s[i] - '0');
      ++i;
      any = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        value += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
        any = true;
      }
    }
    if (!any) return invalid(quoted + ": expected a number, like 72h or 1h30m");
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (s.starts_with(u.name) && (unit == nullptr || u.name.size() > unit->name.size())) {
        unit = &u;
      }
    }
    if (unit == nullptr) {
      if (s.empty()) return invalid(quoted + ": missing unit (ns, us, ms, s, m or h)");
      return invalid(quoted + ": unknown unit (want ns, us, ms, s, m or h)");
    }
    s.remove_prefix(unit->name.size());
    total += value * static_cast<long double>(unit->nanos);
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
      return invalid(quoted + ": out of range");
    }
  }
  const auto nanos = static_cast<std::int64_t>(std::llround(total));
  return Duration{negative ? -nanos : nanos};
}

std::string format_go_duration(Duration d) {
  std::int64_t n = d.count();
  if (n == 0) return "0s";
  const bool negative = n < 0;
  // Unsigned so that the most negative value still formats.
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  std::string out;
  std::string whole;
  if (u < 1000000000ULL) {
    // Below one second: the largest of ns, µs, ms that keeps the integer part non-zero.
    std::string unit;
    int prec = 0;
    if (u < 1000ULL) {
      unit = "ns";
    } else if (u < 1000000ULL) {
      unit = "\xC2\xB5s";
      prec = 3;
    } else {
      unit = "ms";
      prec = 6;
    }
    const std::string frac = fmt_frac(u, prec, whole);
    out = whole + frac + unit;
  } else {
    const std::string frac = fmt_frac(u, 9, whole);
    std::uint64_t secs_total = std::stoull(whole);
    const auto secs = secs_total % 60;
    const auto mins = (secs_total / 60) % 60;
    const auto hours = secs_total / 3600;
    out = std::to_string(secs) + frac + "s";
    if (secs_total >= 60) out = std::to_string(mins) + "m" + out;
    if (hours > 0) out = std::to_string(hours) + "h" + out;
  }
  return negative ? "-" + out : out;
}

}  // namespace orderops
