#include "mock_model.h"

#include <ctime>
#include <stdexcept>

namespace orderops::wechatpay::mock {
namespace {

using nlohmann::json;

constexpr int kMaxSplitsPerOrder = 50;
constexpr auto kFreezePeriod = std::chrono::hours(24 * 30);

std::int64_t sum_of(const std::vector<ReceiverInput>& receivers) {
  std::int64_t total = 0;
  for (const auto& r : receivers) total += r.amount;
  return total;
}

std::string fingerprint(const CreateInput& in) {
  json receivers = json::array();
  for (const auto& r : in.receivers) {
    receivers.push_back({{"type", r.type},
                         {"account", r.account},
                         {"amount", r.amount},
                         {"description", r.description},
                         {"name", r.name ? json(*r.name) : json(nullptr)}});
  }
  return json{{"kind", "split"},
              {"appid", in.appid},
              {"transaction_id", in.transaction_id},
              {"receivers", receivers},
              {"unfreeze_unsplit", in.unfreeze_unsplit}}
      .dump();
}

std::string fingerprint(const UnfreezeInput& in) {
  return json{
      {"kind", "unfreeze"}, {"transaction_id", in.transaction_id}, {"description", in.description}}
      .dump();
}

bool expired(const Transaction& tx, SystemTime now) { return now - tx.create_time > kFreezePeriod; }

}  // namespace

Reply Reply::json(const nlohmann::json& j, int status) { return {status, j.dump()}; }

Reply Reply::error(int status, std::string_view code, std::string_view message,
                   nlohmann::json detail) {
  nlohmann::json j = {{"code", code}, {"message", message}};
  if (!detail.is_null()) j["detail"] = std::move(detail);
  return {status, j.dump()};
}

std::string beijing_time(SystemTime t) {
  const std::time_t secs =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() + 8 * 3600;
  std::tm parts{};
  gmtime_r(&secs, &parts);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &parts);
  return buf;
}

std::string Model::next_id(const char* prefix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%024llu", prefix,
                static_cast<unsigned long long>(++id_counter_));
  return buf;
}

json Model::order_json(const OrderRow& o) const {
  json receivers = json::array();
  for (const auto& r : o.receivers) {
    json item = {{"amount", r.amount},
                 {"description", r.description},
                 {"type", r.type},
                 {"account", r.account},
                 {"result", r.result},
                 {"detail_id", r.detail_id},
                 {"create_time", beijing_time(r.create_time)}};
    if (r.result == "CLOSED") item["fail_reason"] = r.fail_reason;
    if (r.finish_time) item["finish_time"] = beijing_time(*r.finish_time);
    receivers.push_back(std::move(item));
  }
  json out = {{"transaction_id", o.transaction_id},
              {"out_order_no", o.out_order_no},
              {"order_id", o.order_id},
              {"state", o.state},
              {"receivers", std::move(receivers)}};
  if (!o.sub_mchid.empty()) out["sub_mchid"] = o.sub_mchid;
  return out;
}

std::optional<Reply> Model::check_transaction(const Transaction* tx, const std::string& sub_mchid,
                                              bool for_unfreeze, SystemTime now) const {
  if (tx == nullptr) return Reply::error(400, "INVALID_REQUEST", "非本商户的订单不支持分账");
  if (tx->sub_mchid != sub_mchid) {
    return Reply::error(400, "INVALID_REQUEST", "请求分账的交易模式和下单的交易模式不匹配");
  }
  if (!tx->profit_sharing) {
    return Reply::error(400, "INVALID_REQUEST",
                        for_unfreeze ? "非分账订单不支持解冻剩余资金" : "非分账订单不支持分账");
  }
  if (!tx->settled) return Reply::error(400, "INVALID_REQUEST", "订单处理中，请稍后重试");
  if (tx->closed || expired(*tx, now) || (for_unfreeze && tx->unsplit == 0)) {
    return Reply::error(403, "NOT_ENOUGH", for_unfreeze ? "分账金额为0" : "分账金额不足");
  }
  return std::nullopt;
}

std::optional<Reply> Model::check_split(const Transaction& tx, const CreateInput& in) const {
  if (tx.split_count >= kMaxSplitsPerOrder) {
    return Reply::error(400, "INVALID_REQUEST", "分账次数过多");
  }
  if (!relations_.empty()) {
    for (const auto& r : in.receivers) {
      auto it = relations_.find(r.account);
      if (it == relations_.end()) {
        return Reply::error(400, "INVALID_REQUEST", "分账接收方关系不存在，请检查后再试");
      }
      if (it->second && r.name && *it->second != *r.name) {
        return Reply::error(400, "INVALID_REQUEST", "分账接收方姓名与实名不一致");
      }
    }
  }
  const std::int64_t total = sum_of(in.receivers);
  if (total > tx.unsplit) return Reply::error(403, "NOT_ENOUGH", "分账金额不足");
  if ((tx.shared + total) * 10000 > tx.amount * tx.max_ratio) {
    return Reply::error(400, "INVALID_REQUEST", "分账金额超出最大分账比例");
  }
  return std::nullopt;
}

Reply Model::create(const CreateInput& in, SystemTime now) {
  advance(now);
  const auto key = std::make_pair(in.sub_mchid, in.out_order_no);
  if (auto it = orders_.find(key); it != orders_.end()) {
    // Same number, same request: the same order, no second debit.
    if (it->second.fingerprint == fingerprint(in)) return Reply::json(order_json(it->second));
    return Reply::error(400, "PARAM_ERROR", "分账接收方与原请求不一致",
                        {{"field", "/out_order_no"}, {"location", "body"}});
  }
  auto tx_it = transactions_.find(in.transaction_id);
  Transaction* tx = tx_it == transactions_.end() ? nullptr : &tx_it->second;
  if (auto e = check_transaction(tx, in.sub_mchid, false, now)) return *e;
  if (auto e = check_split(*tx, in)) return *e;

  OrderRow o{"split",         in.sub_mchid, in.transaction_id,  in.out_order_no,
             next_id("3008"), "PROCESSING", in.unfreeze_unsplit};
  for (const auto& r : in.receivers) {
    o.receivers.push_back({r.type, r.account, r.amount, r.description, r.name, "PENDING", "",
                           next_id("3601"), now, std::nullopt});
  }
  o.fingerprint = fingerprint(in);
  o.create_time = now;
  o.finish_at = now + std::chrono::seconds(processing_delay_s_);
  const std::int64_t total = sum_of(in.receivers);
  tx->unsplit -= total;
  tx->shared += total;
  ++tx->split_count;
  const Reply reply = Reply::json(order_json(o));
  orders_.emplace(key, std::move(o));
  return reply;
}

Reply Model::unfreeze(const UnfreezeInput& in, SystemTime now) {
  advance(now);
  const auto key = std::make_pair(in.sub_mchid, in.out_order_no);
  if (auto it = orders_.find(key); it != orders_.end()) {
    if (it->second.fingerprint == fingerprint(in)) return Reply::json(order_json(it->second));
    return Reply::error(400, "PARAM_ERROR", "分账接收方与原请求不一致",
                        {{"field", "/out_order_no"}, {"location", "body"}});
  }
  auto tx_it = transactions_.find(in.transaction_id);
  Transaction* tx = tx_it == transactions_.end() ? nullptr : &tx_it->second;
  if (auto e = check_transaction(tx, in.sub_mchid, true, now)) return *e;
  OrderRow o{"unfreeze",   in.sub_mchid, in.transaction_id, in.out_order_no, next_id("3008"),
             "PROCESSING", false};
  const std::string self = in.sub_mchid.empty() ? mch_id_ : in.sub_mchid;
  o.receivers.push_back({"MERCHANT_ID", self, tx->unsplit, "解冻给分账方", std::nullopt, "PENDING",
                         "", next_id("3601"), now, std::nullopt});
  o.fingerprint = fingerprint(in);
  o.create_time = now;
  o.finish_at = now + std::chrono::seconds(processing_delay_s_);
  tx->unsplit = 0;
  tx->closed = true;
  const Reply reply = Reply::json(order_json(o));
  orders_.emplace(key, std::move(o));
  return reply;
}

Reply Model::query(const std::string& sub_mchid, const std::string& out_order_no,
                   const std::string& transaction_id, SystemTime now) {
  advance(now);
  auto it = orders_.find({sub_mchid, out_order_no});
  if (it == orders_.end() || it->second.transaction_id != transaction_id) {
    return Reply::error(404, "RESOURCE_NOT_EXISTS", "记录不存在");
  }
  return Reply::json(order_json(it->second));
}

Reply Model::amounts(const std::string& transaction_id, SystemTime now) {
  advance(now);
  auto it = transactions_.find(transaction_id);
  if (it == transactions_.end()) {
    return Reply::error(400, "INVALID_REQUEST", "非本商户的订单不支持查询");
  }
  const Transaction& tx = it->second;
  if (!tx.profit_sharing) return Reply::error(400, "INVALID_REQUEST", "非分账订单不支持此查询");
  // After the freeze period WeChat unfreezes the rest by itself.
  const std::int64_t unsplit = tx.closed || expired(tx, now) ? 0 : tx.unsplit;
  return Reply::json({{"transaction_id", tx.id}, {"unsplit_amount", unsplit}});
}

Model::Outcome Model::outcome_for(const OrderRow& order, const ReceiverRow& r) const {
  if (auto it = order_outcomes_.find({order.out_order_no, r.account});
      it != order_outcomes_.end()) {
    return it->second;
  }
  if (auto it = account_outcomes_.find(r.account); it != account_outcomes_.end()) {
    return it->second;
  }
  return {"SUCCESS", ""};
}

void Model::finish(OrderRow& order, SystemTime now) {
  Transaction& tx = transactions_.at(order.transaction_id);
  for (auto& r : order.receivers) {
    if (r.result != "PENDING") continue;
    const Outcome outcome =
        order.kind == "unfreeze" ? Outcome{"SUCCESS", ""} : outcome_for(order, r);
    r.result = outcome.result;
    r.finish_time = now;
    if (r.result == "CLOSED") {
      r.fail_reason = outcome.fail_reason.empty() ? "ACCOUNT_ABNORMAL" : outcome.fail_reason;
      // A failed receiver's money goes back to the paying merchant's unsplit amount.
      tx.shared -= r.amount;
      if (!tx.closed) tx.unsplit += r.amount;
    } else {
      ledger_.push_back({order.transaction_id, order.out_order_no, order.order_id, r.detail_id,
                         order.sub_mchid, r.account, r.amount, r.description, order.kind, now});
    }
  }
  order.state = "FINISHED";
  if (order.kind == "split" && order.unfreeze_unsplit) {
    tx.unsplit = 0;
    tx.closed = true;
  }
}

void Model::advance(SystemTime now) {
  for (auto& [key, order] : orders_) {
    if (order.state == "PROCESSING" && !order.hold && now >= order.finish_at) finish(order, now);
  }
}

void Model::reset() {
  transactions_.clear();
  orders_.clear();
  relations_.clear();
  account_outcomes_.clear();
  order_outcomes_.clear();
  bill_status_.clear();
  ledger_.clear();
  processing_delay_s_ = 0;
}

}  // namespace orderops::wechatpay::mock
