// Model: bills and the admin operations (seeding, outcomes, inspection).
#include <cstdio>
#include <stdexcept>

#include "common/time_format.h"
#include "mock_model.h"

namespace orderops::wechatpay::mock {
namespace {

using nlohmann::json;

std::chrono::year_month_day beijing_date(SystemTime t) {
  return std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
}

int beijing_hour(SystemTime t) {
  const auto since_midnight = (t + std::chrono::hours(8)) -
                              std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8));
  return static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(since_midnight).count());
}

std::optional<std::chrono::year_month_day> parse_date(const std::string& s) {
  unsigned y = 0, m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
      s[4] != '-' || s[7] != '-') {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                  std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string yuan(std::int64_t fen) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(fen / 100),
                static_cast<long long>(fen % 100));
  return buf;
}

std::string bill_time(SystemTime t) {
  std::string s = beijing_time(t);  // 2026-11-21T18:00:00+08:00
  return s.substr(0, 10) + " " + s.substr(11, 8);
}

std::string required_string(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw std::invalid_argument(std::string(key) + " (string) is required");
  }
  return it->get<std::string>();
}

SystemTime time_or(const json& in, const char* key, SystemTime fallback) {
  if (!in.contains(key)) return fallback;
  auto t = parse_rfc3339(in.at(key).get<std::string>());
  if (!t) throw std::invalid_argument(std::string(key) + ": " + t.error().message);
  return *t;
}

}  // namespace

std::variant<Reply, std::string> Model::bill(const std::string& sub_mchid, const std::string& date,
                                             SystemTime now) {
  advance(now);
  const auto day = parse_date(date);
  if (!day) {
    return Reply::error(400, "PARAM_ERROR", "bill_date格式错误，应为YYYY-MM-DD",
                        {{"field", "bill_date"}, {"location", "query"}});
  }
  const auto status = bill_status_.find(date);
  if (status != bill_status_.end() && status->second == "no_statement") {
    return Reply::error(400, "NO_STATEMENT_EXIST", "账单文件不存在");
  }
  if (status != bill_status_.end() && status->second == "generating") {
    return Reply::error(400, "INVALID_REQUEST", "请求的账单正在生成中");
  }
  const std::chrono::sys_days today(beijing_date(now));
  const std::chrono::sys_days wanted(*day);
  if (status == bill_status_.end()) {
    // A day's bill is ready after about 10:00 the next day; bills older than ~3 months are gone.
    if (wanted >= today || (wanted == today - std::chrono::days(1) && beijing_hour(now) < 10)) {
      return Reply::error(400, "NO_STATEMENT_EXIST", "账单文件不存在");
    }
    if (wanted < today - std::chrono::days(90)) {
      return Reply::error(400, "INVALID_REQUEST", "请求的账单日期已过期");
    }
  }
  std::string csv =
      "分账时间,分账发起方,分账方,微信订单号,微信分账/回退单号,商户分账/回退单号,明细单号,"
      "分账接收方,分账金额(元),业务类型,处理状态,分账描述,备注\n";
  std::int64_t total = 0;
  int rows = 0;
  for (const auto& p : ledger_) {
    if (p.kind != "split" || p.sub_mchid != sub_mchid || beijing_date(p.time) != *day) continue;
    const std::string sharer = sub_mchid.empty() ? mch_id_ : sub_mchid;
    // Every field is prefixed with a backtick, as WeChat Pay bills are.
    for (const std::string& field :
         {bill_time(p.time), mch_id_, sharer, p.transaction_id, p.order_id, p.out_order_no,
          p.detail_id, p.account, yuan(p.amount), std::string("分账"), std::string("成功"),
          p.description}) {
      csv.append("`").append(field).append(",");
    }
    csv.append("`\n");
    total += p.amount;
    ++rows;
  }
  csv += "总条数,分账成功金额(元),分账失败金额(元),回退金额(元)\n";
  for (const std::string& field : {std::to_string(rows), yuan(total), std::string("0.00")}) {
    csv.append("`").append(field).append(",");
  }
  csv.append("`0.00\n");
  return csv;
}

json Model::seed_transaction(const json& in, SystemTime now) {
  Transaction tx;
  tx.id = required_string(in, "transaction_id");
  tx.amount = in.at("amount").get<std::int64_t>();
  if (tx.amount <= 0) throw std::invalid_argument("amount must be > 0");
  tx.unsplit = tx.amount;
  tx.sub_mchid = in.value("sub_mchid", "");
  tx.profit_sharing = in.value("profit_sharing", true);
  tx.settled = in.value("settled", true);
  tx.max_ratio = in.value("max_ratio", 3000);
  tx.create_time = time_or(in, "create_time", now);
  transactions_[tx.id] = tx;
  return transaction_json(tx.id);
}

json Model::seed_order(const json& in, SystemTime now) {
  CreateInput c;
  c.sub_mchid = in.value("sub_mchid", "");
  c.appid = in.value("appid", "");
  c.transaction_id = required_string(in, "transaction_id");
  c.out_order_no = required_string(in, "out_order_no");
  c.unfreeze_unsplit = in.value("unfreeze_unsplit", false);
  for (const auto& r : in.at("receivers")) {
    c.receivers.push_back({r.value("type", "MERCHANT_ID"), required_string(r, "account"),
                           r.at("amount").get<std::int64_t>(), r.value("description", "")});
  }
  const std::string state = in.value("state", "PROCESSING");
  const Reply created = create(c, time_or(in, "create_time", now));
  if (created.status != 200) throw std::invalid_argument("seed refused: " + created.body);
  OrderRow& order = orders_.at({c.sub_mchid, c.out_order_no});
  order.hold = in.value("hold", false);
  const auto& receivers = in.at("receivers");
  for (std::size_t i = 0; i < receivers.size(); ++i) {
    if (receivers[i].contains("result")) {
      order_outcomes_[{c.out_order_no, c.receivers[i].account}] = {
          receivers[i].at("result").get<std::string>(), receivers[i].value("fail_reason", "")};
    }
  }
  if (state == "FINISHED") {
    finish(order, now);
  } else {
    order.finish_at =
        now + std::chrono::seconds(in.value("finish_after_seconds", processing_delay_s_));
  }
  return order_json(order);
}

void Model::add_relation(const std::string& account, std::optional<std::string> name) {
  relations_[account] = std::move(name);
}

void Model::set_outcome(const json& in) {
  const std::string order = in.value("out_order_no", "");
  if (in.contains("hold")) {
    bool found = false;
    for (auto& [key, o] : orders_) {
      if (key.second == order) {
        o.hold = in.at("hold").get<bool>();
        found = true;
      }
    }
    if (!found) throw std::invalid_argument("no order " + order);
    return;
  }
  const std::string account = required_string(in, "account");
  const std::string result = in.value("result", "CLOSED");
  if (result != "SUCCESS" && result != "CLOSED") {
    throw std::invalid_argument("result must be SUCCESS or CLOSED");
  }
  const Outcome outcome{result,
                        in.value("fail_reason", result == "CLOSED" ? "ACCOUNT_ABNORMAL" : "")};
  if (order.empty()) {
    account_outcomes_[account] = outcome;
  } else {
    order_outcomes_[{order, account}] = outcome;
  }
}

void Model::set_bill_status(const std::string& date, const std::string& status) {
  if (!parse_date(date)) throw std::invalid_argument("bill_date must be YYYY-MM-DD");
  if (status != "no_statement" && status != "generating" && status != "ready") {
    throw std::invalid_argument("status must be no_statement, generating or ready");
  }
  bill_status_[date] = status;
}

json Model::transaction_json(const std::string& id) const {
  auto it = transactions_.find(id);
  if (it == transactions_.end()) throw std::out_of_range("no transaction " + id);
  const Transaction& tx = it->second;
  return {{"transaction_id", tx.id},
          {"sub_mchid", tx.sub_mchid},
          {"amount", tx.amount},
          {"unsplit_amount", tx.unsplit},
          {"shared_amount", tx.shared},
          {"split_count", tx.split_count},
          {"profit_sharing", tx.profit_sharing},
          {"settled", tx.settled},
          {"max_ratio", tx.max_ratio},
          {"closed", tx.closed},
          {"create_time", beijing_time(tx.create_time)}};
}

json Model::orders_json() const {
  json out = json::array();
  for (const auto& [key, o] : orders_) {
    json j = order_json(o);
    j["kind"] = o.kind;
    j["hold"] = o.hold;
    j["unfreeze_unsplit"] = o.unfreeze_unsplit;
    j["create_time"] = beijing_time(o.create_time);
    out.push_back(std::move(j));
  }
  return out;
}

json Model::ledger_json() const {
  json out = json::array();
  for (const auto& p : ledger_) {
    out.push_back({{"transaction_id", p.transaction_id},
                   {"out_order_no", p.out_order_no},
                   {"order_id", p.order_id},
                   {"detail_id", p.detail_id},
                   {"sub_mchid", p.sub_mchid},
                   {"account", p.account},
                   {"amount", p.amount},
                   {"kind", p.kind},
                   {"time", beijing_time(p.time)}});
  }
  return out;
}

}  // namespace orderops::wechatpay::mock
