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

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::uint64_t kTwo63 = std::uint64_t{1} << 63;

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

}  // namespace orderops::schedule::go
