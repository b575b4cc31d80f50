// Shared set-up of the PSS integration tests: one TLS WeChat Pay mock per test binary (a gtest
// Environment, reset before each test), a fresh migrated PostgreSQL database per test with the
// merchant row, the jobs wired to both (fast client retries), and row and mock factories.
// Used from gtest's main thread (run_* may be called from test threads).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "postgres/postgres_environment.h"
#include "profitshare/pg_repository.h"
#include "profitshare/task_runner.h"
#include "support/capture_sink.h"
#include "support/wechatpay-mock/mock_harness.h"
#include "wechatpay/client.h"

namespace orderops::profitshare {

inline constexpr const char* kMchId = "1900009191";
inline constexpr std::int64_t kMerchantRowId = 7;

class MockEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto server = wechatpay::testing::MockServer::start({.tls = true});
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    current() = server_.get();
  }
  void TearDown() override {
    current() = nullptr;
    server_.reset();
  }
  static wechatpay::testing::MockServer* server() { return current(); }

 private:
  // gtest environments are process-wide by design; this pointer mirrors the one gtest owns.
  static wechatpay::testing::MockServer*& current() {
    static wechatpay::testing::MockServer* p = nullptr;
    return p;
  }
  std::unique_ptr<wechatpay::testing::MockServer> server_;
};

#define ORDEROPS_WECHATPAY_MOCK_ENVIRONMENT()                                        \
  [[maybe_unused]] static ::testing::Environment* const orderops_mock_environment_ = \
      ::testing::AddGlobalTestEnvironment(new ::orderops::profitshare::MockEnvironment)

// A receiver line of a seeded order.
struct ReceiverSeed {
  std::string account;
  std::int64_t amount = 100;
  std::string result = "PENDING";
  std::string fail_reason;
  int retry_count = 0;
  std::string created = "now()";  // SQL
  std::string next_retry_at = "NULL";
  bool finally_failed = false;
};

struct OrderSeed {
  std::string out_order_no;
  std::string transaction_id;
  std::string state = "PROCESSING";
  std::string kind = "SPLIT";
  std::string created = "now()";  // SQL expressions
  std::string finished = "NULL";  // wechat_finished_at
  std::string next_sync_at = "NULL";
  bool unfreeze_unsplit = false;
  std::int64_t merchant_id = kMerchantRowId;
  std::string sub_mch_id;
};

class ProfitShareTest : public orderops::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NE(MockEnvironment::server(), nullptr) << "mock did not start";
    mock().admin_or_throw("POST", "/admin/reset");
    sql("INSERT INTO wechat_payment_merchant (id, mch_id) VALUES (" +
        std::to_string(kMerchantRowId) + ", '" + kMchId + "'), (8, '1900000001')");
    client_ = make_client();
    ASSERT_TRUE(client_);
    payment_ = make_client_payment(*client_);
    store_ = make_pg_profitshare_store(pg::ConnectOptions{.url = url()}, clock_);
    storage_ = std::filesystem::temp_directory_path() /
               ("orderops-ps-" + std::to_string(::getpid()) + "-" + database());
    std::filesystem::remove_all(storage_);
    std::filesystem::create_directories(storage_);
  }

  void TearDown() override {
    if (HasFailure())
      std::fprintf(stderr, "--- log of the failed test ---\n%s", sink_->all().c_str());
    std::error_code ec;
    std::filesystem::remove_all(storage_, ec);
  }

  static wechatpay::testing::MockServer& mock() { return *MockEnvironment::server(); }

  wechatpay::ClientOptions client_options() const {
    wechatpay::ClientOptions o;
    o.endpoint = mock().url();
    o.extra_ca_pem = mock().ca_pem();
    o.timeout = std::chrono::seconds(5);
    o.retry.max_attempts = 3;
    o.retry.backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20), 2.0, 0.5};
    o.retry.rate_limited_min_wait = std::chrono::milliseconds(10);
    return o;
  }

  std::unique_ptr<wechatpay::Client> make_client() {
    Logger log(sink_, clock_, LogFormat::kJson, LogLevel::kInfo, "wechatpay");
    auto c = wechatpay::Client::connect(mock().credentials(), client_options(), clock_, log);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }

  ProfitShareConfig config() const {
    api::ProfitShareScheduleSpec spec;
    spec.merchant.mch_id = kMchId;
    spec.time_zone = "Asia/Shanghai";
    spec.bill_download.storage_path = storage_.string();
    return config_from_spec(spec);
  }

  RunContext context(bool dry_run = false, const Clock* clock = nullptr) const {
    return RunContext{"pss-run-1", "shop",  "merchant-1900009191",   dry_run,
                      {},          logger_, clock ? *clock : clock_, {}};
  }

  ProfitShareRunResult run(api::Task task, const ProfitShareConfig& c, const RunContext& ctx) {
    return run_profitshare_task(task, c, *store_, *payment_, ctx);
  }
  ProfitShareRunResult run(api::Task task, bool dry_run = false) {
    return run(task, config(), context(dry_run));
  }

  // --- database rows ---
  std::int64_t insert_order(const OrderSeed& o) {
    return std::stoll(
        sql("INSERT INTO wechat_pay_profit_share_order (merchant_id, sub_mch_id, transaction_id, "
            "out_order_no, state, kind, unfreeze_unsplit, create_time, wechat_finished_at, "
            "next_sync_at, update_time) VALUES (" +
            std::to_string(o.merchant_id) + ", '" + o.sub_mch_id + "', '" + o.transaction_id +
            "', '" + o.out_order_no + "', '" + o.state + "', '" + o.kind + "', " +
            (o.unfreeze_unsplit ? "true" : "false") + ", " + o.created + ", " + o.finished + ", " +
            o.next_sync_at + ", now()) RETURNING id"));
  }

  std::int64_t insert_receiver(std::int64_t order_id, const ReceiverSeed& r, int sequence = 0) {
    return std::stoll(sql(
        "INSERT INTO wechat_pay_profit_share_receiver (order_id, sequence, type, account, name, "
        "amount, description, result, fail_reason, retry_count, next_retry_at, finally_failed, "
        "create_time, update_time) VALUES (" +
        std::to_string(order_id) + ", " + std::to_string(sequence) + ", 'MERCHANT_ID', '" +
        r.account + "', 'c2VjcmV0LWNpcGhlcnRleHQ=', " + std::to_string(r.amount) +
        ", '分给商户', '" + r.result + "', " +
        (r.fail_reason.empty() ? "NULL" : "'" + r.fail_reason + "'") + ", " +
        std::to_string(r.retry_count) + ", " + r.next_retry_at + ", " +
        (r.finally_failed ? "true" : "false") + ", " + r.created + ", now()) RETURNING id"));
  }

  std::string order_field(std::int64_t id, const std::string& expr) {
    return sql("SELECT " + expr +
               " FROM wechat_pay_profit_share_order WHERE id = " + std::to_string(id));
  }
  std::string receiver_field(std::int64_t id, const std::string& expr) {
    return sql("SELECT " + expr +
               " FROM wechat_pay_profit_share_receiver WHERE id = " + std::to_string(id));
  }
  std::int64_t count(const std::string& table, const std::string& where = "true") {
    return std::stoll(sql("SELECT count(*) FROM " + table + " WHERE " + where));
  }
  // Everything in the profit-sharing tables, to prove a run changed nothing.
  std::string checksum() {
    std::string out;
    for (const char* t : {"wechat_pay_profit_share_order", "wechat_pay_profit_share_receiver",
                          "wechat_pay_profit_share_bill_task",
                          "wechat_pay_profit_share_operation_log", "wechat_payment_merchant"}) {
      out += sql(std::string("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
                             "FROM ") +
                 t + " t") +
             ";";
    }
    return out;
  }
  // Makes every due time of this test's rows lie in the past (as if time had passed).
  void let_time_pass() {
    sql("UPDATE wechat_pay_profit_share_order SET next_sync_at = now() - interval '1 second' "
        "WHERE next_sync_at IS NOT NULL");
    sql("UPDATE wechat_pay_profit_share_receiver SET next_retry_at = now() - interval '1 "
        "second' WHERE next_retry_at IS NOT NULL");
  }

  // --- the mock ---
  void seed_transaction(const std::string& id, std::int64_t amount) {
    mock().admin_or_throw("POST", "/admin/transactions",
                          {{"transaction_id", id}, {"amount", amount}, {"max_ratio", 10000}});
  }
  // An order as if the shop had created it at WeChat Pay (debits the transaction).
  void seed_mock_order(const std::string& tx, const std::string& out, nlohmann::json receivers,
                       const std::string& state = "PROCESSING", bool hold = false) {
    mock().admin_or_throw("POST", "/admin/orders",
                          {{"transaction_id", tx},
                           {"out_order_no", out},
                           {"receivers", std::move(receivers)},
                           {"state", state},
                           {"hold", hold}});
  }
  std::int64_t unsplit(const std::string& tx) {
    return mock().admin_or_throw("GET", "/admin/transactions/" + tx)["unsplit_amount"];
  }
  // API requests whose method matches and whose target starts with `prefix`.
  int requests(const std::string& method, const std::string& prefix) {
    int n = 0;
    for (const auto& r : mock().admin_or_throw("GET", "/admin/requests")) {
      if (r["method"] == method && r["target"].get<std::string>().starts_with(prefix)) ++n;
    }
    return n;
  }
  int profitsharing_requests() {
    int n = 0;
    for (const auto& r : mock().admin_or_throw("GET", "/admin/requests")) {
      if (r["target"].get<std::string>().starts_with("/v3/profitsharing")) ++n;
    }
    return n;
  }
  int posts() { return requests("POST", "/v3/profitsharing/orders"); }
  // Payouts of `out_order_no` in the mock's ledger.
  int payouts(const std::string& out_order_no) {
    int n = 0;
    for (const auto& p : mock().admin_or_throw("GET", "/admin/ledger")) {
      if (p["out_order_no"] == out_order_no) ++n;
    }
    return n;
  }
  nlohmann::json mock_orders() { return mock().admin_or_throw("GET", "/admin/orders"); }

  SystemClock clock_;
  std::shared_ptr<orderops::testing::CaptureSink> sink_ =
      std::make_shared<orderops::testing::CaptureSink>();
  Logger logger_{sink_, clock_, LogFormat::kJson, LogLevel::kInfo, "profitshare"};
  std::unique_ptr<wechatpay::Client> client_;
  std::unique_ptr<PaymentApi> payment_;
  std::unique_ptr<ProfitShareStore> store_;
  std::filesystem::path storage_;
};

}  // namespace orderops::profitshare
