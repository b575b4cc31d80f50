// sync on a real PostgreSQL against the WeChat Pay mock: selection, stored results, backoff,
// stuck orders, failures that do not stop the run, the operation log.
#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "profitshare_fixture.h"

ORDEROPS_POSTGRES_ENVIRONMENT();
ORDEROPS_WECHATPAY_MOCK_ENVIRONMENT();

namespace orderops::profitshare {
namespace {

using nlohmann::json;

class SyncTest : public ProfitShareTest {};

TEST_F(SyncTest, ProcessingOrderBecomesFinishedWithEveryReceiverResult) {
  seed_transaction("4200000001", 1000);
  seed_mock_order("4200000001", "P1",
                  json::array({{{"account", "1900000101"}, {"amount", 100}},
                               {{"account", "1900000102"},
                                {"amount", 50},
                                {"result", "CLOSED"},
                                {"fail_reason", "NO_RELATION"}}}));
  const auto order = insert_order({.out_order_no = "P1", .transaction_id = "4200000001"});
  const auto a = insert_receiver(order, {.account = "1900000101", .amount = 100}, 0);
  const auto b = insert_receiver(order, {.account = "1900000102", .amount = 50}, 1);

  const auto r = run(api::Task::kSync);
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.count("selected"), 1);
  EXPECT_EQ(r.count("updated"), 1);
  EXPECT_EQ(r.count("finished"), 1);
  EXPECT_EQ(r.count("failed"), 0);
  EXPECT_EQ(order_field(order,
                        "concat_ws('|', state, order_id <> '', wechat_finished_at IS NOT "
                        "NULL, next_sync_at IS NULL, last_error IS NULL)"),
            "FINISHED|t|t|t|t");
  EXPECT_EQ(receiver_field(a,
                           "concat_ws('|', result, detail_id <> '', wechat_finished_at IS NOT "
                           "NULL, coalesce(fail_reason, '-'))"),
            "SUCCESS|t|t|-");
  EXPECT_EQ(receiver_field(b, "concat_ws('|', result, fail_reason)"), "CLOSED|NO_RELATION");
  // One operation-log row for the query, with the run in its metadata and no name in it.
  EXPECT_EQ(sql("SELECT concat_ws('|', type, success, merchant_id, metadata->>'runID', "
                "request_payload LIKE '%\"transaction_id\":\"4200000001\"%') FROM "
                "wechat_pay_profit_share_operation_log"),
            "query_order|t|7|pss-run-1|t");
  EXPECT_EQ(count("wechat_pay_profit_share_operation_log",
                  "request_payload LIKE '%c2VjcmV0%' OR response_payload LIKE '%c2VjcmV0%'"),
            0);
  for (const auto& m : r.metric_increments) {
    EXPECT_EQ(m.value, m.label == "FINISHED" ? 1 : 0) << m.label;
  }
  EXPECT_EQ(r.orders_stuck, 0);
}

TEST_F(SyncTest, SelectsOnlyDueProcessingOrdersOfThisMerchant) {
  seed_transaction("4200000002", 1000);
  seed_mock_order("4200000002", "DUE", json::array({{{"account", "1900000101"}, {"amount", 10}}}));
  const auto due = insert_order({.out_order_no = "DUE",
                                 .transaction_id = "4200000002",
                                 .next_sync_at = "now() - interval '1 minute'"});
  insert_order({.out_order_no = "LATER",
                .transaction_id = "4200000002",
                .next_sync_at = "now() + interval '10 minutes'"});
  insert_order({.out_order_no = "DONE", .transaction_id = "4200000002", .state = "FINISHED"});
  insert_order({.out_order_no = "OTHER", .transaction_id = "4200000002", .merchant_id = 8});
  insert_order({.out_order_no = "SUB", .transaction_id = "4200000002", .sub_mch_id = "1900000109"});

  const auto r = run(api::Task::kSync);
  EXPECT_EQ(r.count("selected"), 1) << r.message;
  EXPECT_EQ(requests("GET", "/v3/profitsharing/orders/"), 1);
  EXPECT_EQ(requests("GET", "/v3/profitsharing/orders/DUE?transaction_id=4200000002"), 1);
  EXPECT_EQ(order_field(due, "state"), "FINISHED");
}

TEST_F(SyncTest, StillProcessingBacksOffAndPastTimeoutCountsAsStuck) {
  seed_transaction("4200000003", 1000);
  seed_mock_order("4200000003", "SLOW", json::array({{{"account", "1900000101"}, {"amount", 10}}}),
                  "PROCESSING", /*hold=*/true);
  seed_mock_order("4200000003", "OLD", json::array({{{"account", "1900000102"}, {"amount", 10}}}),
                  "PROCESSING", /*hold=*/true);
  const auto slow = insert_order({.out_order_no = "SLOW", .transaction_id = "4200000003"});
  const auto old = insert_order({.out_order_no = "OLD",
                                 .transaction_id = "4200000003",
                                 .created = "now() - interval '25 hours'"});

  auto r = run(api::Task::kSync);
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.count("selected"), 2);
  EXPECT_EQ(r.count("updated"), 2);  // both learned WeChat's order id
  EXPECT_EQ(r.count("stuck"), 1);
  EXPECT_EQ(r.orders_stuck, 1);
  const std::string backoff =
      "concat_ws('|', state, sync_attempts, next_sync_at - now() BETWEEN interval '55 seconds' "
      "AND interval '61 seconds')";
  EXPECT_EQ(order_field(slow, backoff), "PROCESSING|1|t");
  EXPECT_EQ(order_field(old, backoff), "PROCESSING|1|t");

  // Not due yet: nothing is queried.
  r = run(api::Task::kSync);
  EXPECT_EQ(r.count("selected"), 0);
  EXPECT_EQ(r.orders_stuck, 1);

  // Later: the stuck order is still polled, and the wait doubles.
  let_time_pass();
  r = run(api::Task::kSync);
  EXPECT_EQ(r.count("selected"), 2);
  EXPECT_EQ(r.count("stuck"), 1);
  EXPECT_EQ(order_field(old,
                        "concat_ws('|', sync_attempts, next_sync_at - now() BETWEEN "
                        "interval '115 seconds' AND interval '121 seconds')"),
            "2|t");
  EXPECT_EQ(requests("GET", "/v3/profitsharing/orders/OLD"), 2);

  // Released at WeChat Pay: the stuck order finishes and stops counting.
  mock().admin_or_throw("POST", "/admin/outcomes", {{"out_order_no", "OLD"}, {"hold", false}});
  let_time_pass();
  r = run(api::Task::kSync);
  EXPECT_EQ(r.count("finished"), 1);
  EXPECT_EQ(r.count("stuck"), 0);
  EXPECT_EQ(r.orders_stuck, 0);
  EXPECT_EQ(order_field(old, "state"), "FINISHED");
}

TEST_F(SyncTest, OneBadOrderDoesNotStopTheRun) {
  seed_transaction("4200000004", 1000);
  seed_mock_order("4200000004", "GOOD", json::array({{{"account", "1900000101"}, {"amount", 10}}}));
  const auto unknown = insert_order({.out_order_no = "UNKNOWN", .transaction_id = "4200000004"});
  const auto good = insert_order({.out_order_no = "GOOD", .transaction_id = "4200000004"});

  const auto r = run(api::Task::kSync);
  EXPECT_EQ(r.outcome, api::Outcome::kPartiallyFailed);
  EXPECT_EQ(r.count("failed"), 1);
  EXPECT_EQ(r.count("finished"), 1);
  EXPECT_NE(r.message.find("failed orders " + std::to_string(unknown)), std::string::npos)
      << r.message;
  EXPECT_EQ(order_field(good, "state"), "FINISHED");
  // A split the shop made is never re-created: it waits for the next poll with the error.
  EXPECT_EQ(order_field(unknown,
                        "concat_ws('|', state, sync_attempts, last_error LIKE "
                        "'%RESOURCE_NOT_EXISTS%', next_sync_at > now())"),
            "PROCESSING|1|t|t");
  EXPECT_EQ(posts(), 0);
  EXPECT_EQ(sql("SELECT string_agg(concat_ws(':', type, success, coalesce(error_code, '')), ',' "
                "ORDER BY id) FROM wechat_pay_profit_share_operation_log"),
            "query_order:f:RESOURCE_NOT_EXISTS,query_order:t:");
}

TEST_F(SyncTest, TransientErrorsAreRetriedByTheClientWithTheSameRequest) {
  seed_transaction("4200000005", 1000);
  seed_mock_order("4200000005", "P5", json::array({{{"account", "1900000101"}, {"amount", 10}}}));
  const auto order = insert_order({.out_order_no = "P5", .transaction_id = "4200000005"});
  mock().admin_or_throw("POST", "/admin/faults",
                        {{"kind", "503"}, {"count", 1}, {"path", "/v3/profitsharing/orders/P5"}});
  const auto r = run(api::Task::kSync);
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(order_field(order, "state"), "FINISHED");
  EXPECT_EQ(requests("GET", "/v3/profitsharing/orders/P5"), 2);
}

TEST_F(SyncTest, UnknownMerchantFailsTheRun) {
  auto c = config();
  c.sync.merchant.mch_id = "1999999999";
  const auto r = run(api::Task::kSync, c, context());
  EXPECT_EQ(r.outcome, api::Outcome::kFailed);
  EXPECT_NE(r.message.find("no row with mch_id 1999999999"), std::string::npos) << r.message;
}

TEST_F(SyncTest, CancelledRunStopsBeforeQuerying) {
  seed_transaction("4200000006", 1000);
  insert_order({.out_order_no = "P6", .transaction_id = "4200000006"});
  std::stop_source stop;
  stop.request_stop();
  auto ctx = context();
  ctx.stop = stop.get_token();
  const auto r = run(api::Task::kSync, config(), ctx);
  EXPECT_EQ(r.outcome, api::Outcome::kCancelled);
  EXPECT_EQ(profitsharing_requests(), 0);
}

// Lets query_order calls through only once `expected` of them are in flight at the same time
// (or after a safety timeout), remembering the most that ever were: a run that queried one
// order at a time would see 1.
class QueryBarrier : public PaymentApi {
 public:
  QueryBarrier(PaymentApi& inner, int expected) : inner_(inner), expected_(expected) {}

  Result<wechatpay::Order> query_order(std::string_view out_order_no,
                                       std::string_view transaction_id,
                                       std::stop_token stop) override {
    {
      std::unique_lock lock(mu_);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      if (in_flight_ >= expected_) released_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(10), [&] { return released_; });
      --in_flight_;
    }
    return inner_.query_order(out_order_no, transaction_id, stop);
  }
  Result<wechatpay::Order> create_order(const wechatpay::CreateOrderRequest& r,
                                        std::stop_token stop) override {
    return inner_.create_order(r, stop);
  }
  Result<wechatpay::Order> unfreeze(const wechatpay::UnfreezeRequest& r,
                                    std::stop_token stop) override {
    return inner_.unfreeze(r, stop);
  }
  Result<std::int64_t> unsplit_amount(std::string_view tx, std::stop_token stop) override {
    return inner_.unsplit_amount(tx, stop);
  }
  Result<wechatpay::BillInfo> apply_bill(const wechatpay::BillRequest& r,
                                         std::stop_token stop) override {
    return inner_.apply_bill(r, stop);
  }
  Result<wechatpay::BillDownload> download_bill(const wechatpay::BillInfo& b, int fd,
                                                bool keep_gzip, std::stop_token stop) override {
    return inner_.download_bill(b, fd, keep_gzip, stop);
  }

  int max_in_flight() const {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }

 private:
  PaymentApi& inner_;
  const int expected_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  bool released_ = false;
};

// spec.maxConcurrentRequests queries of a batch are in flight together (one at a time, 20 ms
// of latency would cap a run near 50 orders/s), and every answer is still stored.
TEST_F(SyncTest, BatchQueriesAreInFlightTogetherUpToMaxConcurrentRequests) {
  constexpr int kOrders = 12;
  constexpr int kConcurrency = 4;
  std::vector<std::int64_t> orders;
  for (int i = 0; i < kOrders; ++i) {
    const auto tx = "42000001" + std::to_string(10 + i);
    const auto out = "PC" + std::to_string(i);
    seed_transaction(tx, 1000);
    seed_mock_order(tx, out, json::array({{{"account", "1900000101"}, {"amount", 10}}}));
    orders.push_back(insert_order({.out_order_no = out, .transaction_id = tx}));
  }
  auto c = config();
  c.sync.concurrency = kConcurrency;
  QueryBarrier barrier(*payment_, kConcurrency);
  const auto r = run_profitshare_task(api::Task::kSync, c, *store_, barrier, context());
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(barrier.max_in_flight(), kConcurrency);
  EXPECT_EQ(r.count("finished"), kOrders);
  EXPECT_EQ(count("wechat_pay_profit_share_order", "state = 'FINISHED'"), kOrders);
  EXPECT_EQ(count("wechat_pay_profit_share_operation_log", "type = 'query_order' AND success"),
            kOrders);
}

}  // namespace
}  // namespace orderops::profitshare
