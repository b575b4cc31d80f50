#include "profitshare/sync_plan.h"

#include <algorithm>

#include "profitshare/names.h"

namespace orderops::profitshare {

namespace {

// The stored row this answer receiver belongs to: same type, account and amount, not yet used.
const StoredReceiver* match(const std::vector<StoredReceiver>& stored, std::vector<bool>& used,
                            const wechatpay::OrderReceiver& r) {
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const auto& s = stored[i];
    if (!used[i] && s.type == r.type_text && s.account == r.account && s.amount == r.amount) {
      used[i] = true;
      return &s;
    }
  }
  return nullptr;
}

std::optional<ReceiverChange> receiver_change(const StoredReceiver& s,
                                              const wechatpay::OrderReceiver& r) {
  ReceiverChange c{s.id,        s.result,      s.result,     s.fail_reason,
                   s.detail_id, r.create_time, r.finish_time};
  const bool final_answer = r.result == wechatpay::ReceiverResult::kSuccess ||
                            r.result == wechatpay::ReceiverResult::kClosed;
  const bool stored_final = s.result == kResultSuccess || s.result == kResultClosed;
  if (final_answer && !stored_final) {
    c.result = r.result_text;
    c.fail_reason = r.result == wechatpay::ReceiverResult::kClosed ? r.fail_reason : "";
  }
  if (!r.detail_id.empty()) c.detail_id = r.detail_id;
  if (c.result == s.result && c.detail_id == s.detail_id) return std::nullopt;
  return c;
}

std::optional<SystemTime> latest_finish(const wechatpay::Order& answer) {
  std::optional<SystemTime> out = answer.finish_time;
  for (const auto& r : answer.receivers) {
    if (r.finish_time && (!out || *r.finish_time > *out)) out = r.finish_time;
  }
  return out;
}

std::optional<SystemTime> earliest_create(const wechatpay::Order& answer) {
  std::optional<SystemTime> out = answer.create_time;
  for (const auto& r : answer.receivers) {
    if (!answer.create_time && r.create_time && (!out || *r.create_time < *out)) {
      out = r.create_time;
    }
  }
  return out;
}

}  // namespace

std::chrono::seconds sync_backoff(int attempts) {
  auto d = kFirstSyncDelay;
  for (int i = 0; i < attempts && d < kMaxSyncDelay; ++i) d *= 2;
  return std::min(d, kMaxSyncDelay);
}

bool SyncChange::finished() const { return state == kStateFinished; }

bool SyncChange::changes_anything() const {
  return state != kStateProcessing || !receivers.empty() || order_id_learned;
}

SyncChange plan_sync_change(const std::string& stored_order_id,
                            const std::vector<StoredReceiver>& stored,
                            const wechatpay::Order& answer, SystemTime now) {
  SyncChange c;
  switch (answer.state) {
    case wechatpay::OrderState::kFinished:
      c.state = std::string(kStateFinished);
      c.wechat_finished_at = latest_finish(answer).value_or(now);
      break;
    case wechatpay::OrderState::kProcessing:
      c.state = std::string(kStateProcessing);
      break;
    case wechatpay::OrderState::kUnknown:
      c.state = std::string(kStateProcessing);
      c.unknown_state = answer.state_text;
      break;
  }
  c.order_id = answer.order_id;
  c.order_id_learned = stored_order_id.empty() && !answer.order_id.empty();
  c.wechat_created_at = earliest_create(answer);
  std::vector<bool> used(stored.size(), false);
  for (const auto& r : answer.receivers) {
    const StoredReceiver* s = match(stored, used, r);
    if (s == nullptr) continue;  // e.g. the merchant's own line of an unfreeze
    if (auto change = receiver_change(*s, r)) c.receivers.push_back(std::move(*change));
  }
  return c;
}

}  // namespace orderops::profitshare
