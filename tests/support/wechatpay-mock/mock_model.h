// Business state of the WeChat Pay mock: transactions and unsplit amounts, orders with the
// PROCESSING -> FINISHED machine, idempotency by out_order_no, unfreeze, payouts, bills. Time is
// passed in. Not thread-safe: the service holds one lock around it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace orderops::wechatpay::mock {

// An API answer before signing.
struct Reply {
  int status = 200;
  std::string body;
  static Reply json(const nlohmann::json& j, int status = 200);
  static Reply error(int status, std::string_view code, std::string_view message,
                     nlohmann::json detail = nullptr);
};

struct ReceiverInput {
  std::string type;
  std::string account;
  std::int64_t amount = 0;
  std::string description;
  std::optional<std::string> name;  // decrypted; never echoed
};

struct CreateInput {
  std::string sub_mchid;
  std::string appid;
  std::string transaction_id;
  std::string out_order_no;
  std::vector<ReceiverInput> receivers;
  bool unfreeze_unsplit = false;
};

struct UnfreezeInput {
  std::string sub_mchid;
  std::string transaction_id;
  std::string out_order_no;
  std::string description;
};

struct Transaction {
  std::string id;
  std::string sub_mchid;
  std::int64_t amount = 0;
  std::int64_t unsplit = 0;
  std::int64_t shared = 0;  // committed to receivers (pending or paid), for the ratio check
  bool profit_sharing = true;
  bool settled = true;
  int max_ratio = 3000;  // per ten thousand (30 %, WeChat's default)
  int split_count = 0;
  bool closed = false;  // remainder unfrozen: no more splits
  SystemTime create_time;
};

struct ReceiverRow {
  std::string type;
  std::string account;
  std::int64_t amount = 0;
  std::string description;
  std::optional<std::string> name;
  std::string result = "PENDING";
  std::string fail_reason;
  std::string detail_id;
  SystemTime create_time;
  std::optional<SystemTime> finish_time;
};

struct OrderRow {
  std::string kind;  // "split" or "unfreeze"
  std::string sub_mchid;
  std::string transaction_id;
  std::string out_order_no;
  std::string order_id;
  std::string state = "PROCESSING";
  bool unfreeze_unsplit = false;
  std::vector<ReceiverRow> receivers;
  std::string fingerprint;  // canonical request, names decrypted: idempotency
  SystemTime create_time;
  SystemTime finish_at;
  bool hold = false;  // stays PROCESSING until released
};

struct Payout {
  std::string transaction_id;
  std::string out_order_no;
  std::string order_id;
  std::string detail_id;
  std::string sub_mchid;
  std::string account;
  std::int64_t amount = 0;
  std::string description;
  std::string kind;  // "split" or "unfreeze"
  SystemTime time;
};

class Model {
 public:
  explicit Model(std::string mch_id) : mch_id_(std::move(mch_id)) {}

  Reply create(const CreateInput& in, SystemTime now);
  Reply unfreeze(const UnfreezeInput& in, SystemTime now);
  Reply query(const std::string& sub_mchid, const std::string& out_order_no,
              const std::string& transaction_id, SystemTime now);
  Reply amounts(const std::string& transaction_id, SystemTime now);
  // A bill for `date` (YYYY-MM-DD, Beijing time): the CSV, or the error to answer.
  std::variant<Reply, std::string> bill(const std::string& sub_mchid, const std::string& date,
                                        SystemTime now);

  // Finishes PROCESSING orders whose time has come.
  void advance(SystemTime now);

  // Admin.
  nlohmann::json seed_transaction(const nlohmann::json& in, SystemTime now);
  nlohmann::json seed_order(const nlohmann::json& in, SystemTime now);
  void add_relation(const std::string& account, std::optional<std::string> name);
  void set_outcome(const nlohmann::json& in);
  void set_bill_status(const std::string& date, const std::string& status);
  nlohmann::json transaction_json(const std::string& id) const;
  nlohmann::json orders_json() const;
  nlohmann::json ledger_json() const;
  void set_processing_delay(int seconds) { processing_delay_s_ = seconds; }
  int processing_delay() const { return processing_delay_s_; }
  void reset();

 private:
  struct Outcome {
    std::string result;
    std::string fail_reason;
  };

  nlohmann::json order_json(const OrderRow& o) const;
  std::optional<Reply> check_transaction(const Transaction* tx, const std::string& sub_mchid,
                                         bool for_unfreeze, SystemTime now) const;
  std::optional<Reply> check_split(const Transaction& tx, const CreateInput& in) const;
  void finish(OrderRow& order, SystemTime now);
  Outcome outcome_for(const OrderRow& order, const ReceiverRow& r) const;
  std::string next_id(const char* prefix);

  std::string mch_id_;
  int processing_delay_s_ = 0;
  std::uint64_t id_counter_ = 0;
  std::map<std::string, Transaction> transactions_;
  std::map<std::pair<std::string, std::string>, OrderRow> orders_;  // (sub_mchid, out_order_no)
  std::map<std::string, std::optional<std::string>> relations_;     // account -> real name
  std::map<std::string, Outcome> account_outcomes_;
  std::map<std::pair<std::string, std::string>, Outcome>
      order_outcomes_;                              // (out_order_no, account)
  std::map<std::string, std::string> bill_status_;  // date -> no_statement|generating|ready
  std::vector<Payout> ledger_;
};

// "2026-11-21T18:00:00+08:00": WeChat Pay writes times in Beijing time.
std::string beijing_time(SystemTime t);

}  // namespace orderops::wechatpay::mock
