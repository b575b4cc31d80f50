#include "profitshare/order_answers.h"

#include <nlohmann/json.hpp>

#include "profitshare/names.h"
#include "wechatpay/api_error.h"

namespace orderops::profitshare {

std::string query_payload(const JobEnv& env, const StoredOrder& order) {
  nlohmann::json j = {{"out_order_no", order.out_order_no},
                      {"transaction_id", order.transaction_id}};
  if (!env.scope.sub_mch_id.empty()) j["sub_mchid"] = env.scope.sub_mch_id;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string amount_payload(const std::string& transaction_id) {
  return nlohmann::json{{"transaction_id", transaction_id}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<bool> store_answer(JobEnv& env, const StoredOrder& order, const SyncChange& change,
                          const wechatpay::Order& answer, bool count_attempt) {
  if (env.dry_run()) return true;
  OrderUpdate u;
  u.id = order.id;
  u.expected_attempts = order.sync_attempts;
  u.change = change;
  u.response_payload = answer.raw_json;
  u.count_attempt = count_attempt;
  u.next_sync_in = count_attempt ? sync_backoff(order.sync_attempts) : kFirstSyncDelay;
  return env.session.apply_order_update(u);
}

Result<bool> close_refused(JobEnv& env, const StoredOrder& order, const Error& error) {
  if (env.dry_run()) return true;
  OrderClose c;
  c.id = order.id;
  c.code = error_code_of(error);
  c.error = error.message;
  c.parent_nothing_left =
      order.kind == kKindUnfreeze && has_reason(error, wechatpay::kCodeNotEnough);
  return env.session.close_order(c);
}

}  // namespace orderops::profitshare
