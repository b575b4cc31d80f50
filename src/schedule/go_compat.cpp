#include "schedule/go_compat.h"

#include <array>
#include <limits>

namespace orderops::schedule::go {
namespace {

constexpr char32_t kRuneError = 0xFFFD;

struct Rune {
  char32_t value;
  std::size_t width;
};

// utf8.DecodeRuneInString: anything malformed (overlong, surrogate, truncated) is RuneError
// of width 1, as Go's range loop sees it.
Rune decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  auto cont = [&](std::size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto bits = [&](std::size_t k) { return static_cast<char32_t>(s[i + k] & 0x3F); };
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    return {(static_cast<char32_t>(b0 & 0x1F) << 6) | bits(1), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    const char32_t r = (static_cast<char32_t>(b0 & 0x0F) << 12) | (bits(1) << 6) | bits(2);
    if (r >= 0x800 && (r < 0xD800 || r > 0xDFFF)) return {r, 3};
    return {kRuneError, 1};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const char32_t r =
        (static_cast<char32_t>(b0 & 0x07) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3);
    if (r >= 0x10000 && r <= 0x10FFFF) return {r, 4};
  }
  return {kRuneError, 1};
}

// unicode.IsSpace.
bool is_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

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

}  // namespace

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = std::string_view::npos;
  for (std::size_t i = 0; i < s.size();) {
    const Rune r = decode(s, i);
    if (is_space(r.value)) {
      if (start != std::string_view::npos) out.push_back(s.substr(start, i - start));
      start = std::string_view::npos;
    } else if (start == std::string_view::npos) {
      start = i;
    }
    i += r.width;
  }
  if (start != std::string_view::npos) out.push_back(s.substr(start));
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

std::optional<std::int64_t> atoi(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (kTwo63 - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (negative)
    return v == kTwo63 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
  if (v > kTwo63 - 1) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::optional<std::string> lower_ascii(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const Rune r = decode(s, i);
    i += r.width;
    if (r.value >= 'A' && r.value <= 'Z') {
      out.push_back(static_cast<char>(r.value - 'A' + 'a'));
    } else if (r.value < 0x80) {
      out.push_back(static_cast<char>(r.value));
    } else if (r.value == 0x130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE lowers to 'i'
      out.push_back('i');
    } else if (r.value == 0x212A) {  // KELVIN SIGN lowers to 'k'
      out.push_back('k');
    } else {
      return std::nullopt;
    }
  }
  return out;
}

Result<Duration> parse_duration(std::string_view text) {
  const std::string quoted = quote(text);
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

}  // namespace orderops::schedule::go
