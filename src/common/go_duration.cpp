#include "common/go_duration.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

namespace orderops {
namespace {

constexpr std::uint64_t kNanosecond = 1;
constexpr std::uint64_t kMicrosecond = 1000;
constexpr std::uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr std::uint64_t kSecond = 1000 * kMillisecond;

std::optional<std::uint64_t> unit_nanos(std::string_view u) {
  if (u == "ns") return kNanosecond;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return kMicrosecond;
  if (u == "ms") return kMillisecond;
  if (u == "s") return kSecond;
  if (u == "m") return 60 * kSecond;
  if (u == "h") return 3600 * kSecond;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::uint64_t kTwo63 = std::uint64_t{1} << 63;

// Leading decimal integer; nullopt on overflow past 2^63.
std::optional<std::uint64_t> leading_int(std::string_view& s) {
  std::uint64_t x = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (x > kTwo63 / 10) return std::nullopt;
    x = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (x > kTwo63) return std::nullopt;
  }
  s.remove_prefix(i);
  return x;
}

// Digits after the point: value and 10^digits, ignoring digits once more would overflow.
std::pair<std::uint64_t, double> leading_fraction(std::string_view& s) {
  std::uint64_t x = 0;
  double scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (x > (kTwo63 - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t y = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (y > kTwo63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
  return {x, scale};
}

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
  std::string quoted;
  quoted.append(1, '"').append(text).append(1, '"');
  auto bad = [&] { return invalid("invalid duration " + quoted); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return bad();
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return bad();
    const std::size_t before_int = s.size();
    const auto whole = leading_int(s);
    if (!whole) return bad();
    std::uint64_t v = *whole;
    const bool pre = before_int != s.size();
    std::uint64_t frac = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const std::size_t before_frac = s.size();
      std::tie(frac, scale) = leading_fraction(s);
      post = before_frac != s.size();
    }
    if (!pre && !post) return bad();
    std::size_t i = 0;
    while (i < s.size() && s[i] != '.' && !is_digit(s[i])) ++i;
    if (i == 0) return invalid("missing unit in duration " + quoted);
    const std::string_view unit_text = s.substr(0, i);
    s.remove_prefix(i);
    const auto unit = unit_nanos(unit_text);
    if (!unit) {
      return invalid("unknown unit \"" + std::string(unit_text) + "\" in duration " + quoted);
    }
    if (v > kTwo63 / *unit) return bad();
    v *= *unit;
    if (frac > 0) {
      // Go computes the fraction in float64 and truncates; keep that so rounding matches.
      v += static_cast<std::uint64_t>(static_cast<double>(frac) *
                                      (static_cast<double>(*unit) / scale));
      if (v > kTwo63) return bad();
    }
    total += v;
    if (total > kTwo63) return bad();
  }
  if (negative) {
    return Duration{total == kTwo63 ? std::numeric_limits<std::int64_t>::min()
                                    : -static_cast<std::int64_t>(total)};
  }
  if (total > kTwo63 - 1) return bad();
  return Duration{static_cast<std::int64_t>(total)};
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
