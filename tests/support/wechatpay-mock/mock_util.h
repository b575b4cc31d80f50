// Small helpers shared by the mock's request handling: target splitting, query parsing.
// Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "wechatpay/encoding.h"

namespace orderops::wechatpay::mock {

struct SplitTarget {
  std::string path;   // raw (still escaped)
  std::string query;  // raw, without '?'
};

inline SplitTarget split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), {}};
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

// Form-style decoding ('+' is a space), as servers parse query strings. Malformed escapes keep
// the raw text so validation reports them as bad values.
inline std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    for (auto& c : value) {
      if (c == '+') c = ' ';
    }
    auto decoded = percent_decode(value);
    out[key] = decoded ? *decoded : value;
  }
  return out;
}

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace orderops::wechatpay::mock
