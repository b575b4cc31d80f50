#include "profitshare/out_order_no.h"

#include <algorithm>

#include "wechatpay/encoding.h"

namespace orderops::profitshare {

namespace {

constexpr std::size_t kHashLength = 8;

bool allowed(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         c == '-' || c == '|' || c == '*' || c == '@';
}

// `original` + `suffix` when that is a valid number; otherwise the longest clean prefix of the
// original that fits, "-", 8 hex of SHA-1(original), then the suffix.
std::string derive(std::string_view original, const std::string& suffix) {
  std::string whole = std::string(original) + suffix;
  if (is_valid_out_order_no(whole)) return whole;
  const std::size_t room = kMaxOutOrderNo - suffix.size() - kHashLength - 1;
  std::string prefix;
  for (char c : original) {
    if (prefix.size() == room) break;
    prefix += allowed(c) ? c : '_';
  }
  return prefix + "-" + wechatpay::sha1_hex(original).substr(0, kHashLength) + suffix;
}

}  // namespace

bool is_valid_out_order_no(std::string_view v) {
  return !v.empty() && v.size() <= kMaxOutOrderNo && std::all_of(v.begin(), v.end(), allowed);
}

std::string retry_out_order_no(std::string_view original, std::int64_t receiver_id, int attempt) {
  return derive(original, "-R" + std::to_string(receiver_id) + "-" + std::to_string(attempt));
}

std::string unfreeze_out_order_no(std::string_view original, int attempt) {
  return derive(original, "-U" + std::to_string(attempt));
}

}  // namespace orderops::profitshare
