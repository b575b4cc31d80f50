// The pure part of sync: how long an order still PROCESSING waits before the next query, and
// what a WeChat Pay order answer changes in the stored order and its receivers (receivers are
// matched by type, account and amount, each stored row at most once). Pure; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "wechatpay/types.h"

namespace orderops::profitshare {

inline constexpr std::chrono::seconds kFirstSyncDelay = std::chrono::minutes(1);
inline constexpr std::chrono::seconds kMaxSyncDelay = std::chrono::hours(1);

// 1 min after the first query that found the order still PROCESSING, then 2, 4, ... capped at
// 1 h. `attempts` is sync_attempts before this query (0 on the first).
std::chrono::seconds sync_backoff(int attempts);

// A receiver row as stored.
struct StoredReceiver {
  std::int64_t id = 0;
  std::string type;
  std::string account;
  std::int64_t amount = 0;
  std::string result;
  std::string fail_reason;
  std::string detail_id;
};

struct ReceiverChange {
  std::int64_t id = 0;
  std::string from_result;  // guard: the row still has this result
  std::string result;
  std::string fail_reason;
  std::string detail_id;
  std::optional<SystemTime> created;
  std::optional<SystemTime> finished;
};

// What an answer does to an order row (state PROCESSING when read).
struct SyncChange {
  std::string state;     // PROCESSING or FINISHED (an unknown answer keeps PROCESSING)
  std::string order_id;  // WeChat's id; "" keeps the stored one
  std::optional<SystemTime> wechat_created_at;
  std::optional<SystemTime> wechat_finished_at;  // set when FINISHED
  std::vector<ReceiverChange> receivers;         // only rows that change
  bool order_id_learned = false;                 // the row had no order_id and now has one
  std::string unknown_state;                     // the wire text when WeChat sent an unknown state

  bool finished() const;
  // Anything a user would call an update: state, a receiver, or WeChat's order id.
  bool changes_anything() const;
};

// PENDING never overwrites a final result; SUCCESS/CLOSED replace PENDING (and legacy FAILED);
// an unknown result is ignored. `stored_order_id` tells whether the id is news.
SyncChange plan_sync_change(const std::string& stored_order_id,
                            const std::vector<StoredReceiver>& stored,
                            const wechatpay::Order& answer, SystemTime now);

}  // namespace orderops::profitshare
