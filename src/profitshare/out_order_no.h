// Deterministic WeChat Pay order numbers for the orders OrderOps creates. The same intent (this
// receiver's n-th retry, this order's n-th unfreeze) always gets the same number, so a resend
// after a crash or a concurrent run is "the same request" at WeChat Pay and never a second
// payout; a different intent never shares one. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orderops::profitshare {

inline constexpr std::size_t kMaxOutOrderNo = 64;

// 1-64 characters of [0-9A-Za-z_-|*@].
bool is_valid_out_order_no(std::string_view out_order_no);

// "<original>-R<receiver id>-<attempt>", e.g. "P20261121001-R4711-1". When that would exceed 64
// characters (or the original holds characters WeChat Pay refuses) the original is shortened to
// a prefix plus 8 hex digits of its SHA-1, keeping the suffix, which alone makes the number unique
// per (receiver, attempt).
std::string retry_out_order_no(std::string_view original, std::int64_t receiver_id, int attempt);

// "<original>-U<attempt>": a NEW number for the unfreeze of a split (WeChat Pay refuses the
// split's own number), shortened as above when needed.
std::string unfreeze_out_order_no(std::string_view original, int attempt);

}  // namespace orderops::profitshare
