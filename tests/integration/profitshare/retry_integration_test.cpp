// retry on a real PostgreSQL against the WeChat Pay mock: deterministic RETRY orders recorded
// before the POST, finalization without calls, maxRetry, a crash between commit and POST healed
// by the next runs, and concurrent runs that never pay a receiver twice.
#include <thread>

#include "integration/runtime/child_process.h"
#include "profitshare/out_order_no.h"
#include "profitshare_fixture.h"

namespace orderops::profitshare {
namespace {

using nlohmann::json;

// prefix + n (GCC 12 warns about "x" + std::string with -Wrestrict).
std::string numbered(std::string prefix, int n) { return prefix.append(std::to_string(n)); }

class RetryTest : public ProfitShareTest {
 protected:
  // A finished split at WeChat Pay and in the database whose receiver `account` came back
  // CLOSED with `reason` (the money went back to the transaction). Returns the receiver id.
  std::int64_t closed_receiver(const std::string& tx, const std::string& out,
                               const std::string& account, const std::string& reason,
                               ReceiverSeed seed = {}) {
    seed_transaction(tx, 1000);
    seed_mock_order(tx, out,
                    json::array({{{"account", account},
                                  {"amount", 300},
                                  {"result", "CLOSED"},
                                  {"fail_reason", reason}}}),
                    "FINISHED");
    order_ids_[out] = insert_order(
        {.out_order_no = out, .transaction_id = tx, .state = "FINISHED", .finished = "now()"});
    seed.account = account;
    seed.amount = 300;
    seed.result = "CLOSED";
    seed.fail_reason = reason;
    return insert_receiver(order_ids_[out], seed);
  }

  std::map<std::string, std::int64_t> order_ids_;
};

TEST_F(RetryTest, ClosedReceiverIsResubmittedOnceAndSyncFinishesIt) {
  const auto receiver = closed_receiver("4300000001", "S1", "1900000101", "ACCOUNT_ABNORMAL");
  const std::string number = retry_out_order_no("S1", receiver, 1);

  auto r = run(api::Task::kRetry);
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.count("selected"), 1);
  EXPECT_EQ(r.count("resubmitted"), 1);
  EXPECT_EQ(posts(), 1);
  // The intent: a RETRY order under the deterministic number with its request, a receiver row
  // pointing at the original, and the original's bookkeeping.
  EXPECT_EQ(sql("SELECT concat_ws('|', kind, state, parent_order_id = " +
                std::to_string(order_ids_["S1"]) +
                ", order_id <> '', request_payload LIKE '%\"amount\":300%', "
                "next_sync_at > now()) FROM wechat_pay_profit_share_order WHERE out_order_no = '" +
                number + "'"),
            "RETRY|PROCESSING|t|t|t|t");
  EXPECT_EQ(count("wechat_pay_profit_share_receiver",
                  "retry_of_receiver_id = " + std::to_string(receiver) +
                      " AND result = 'PENDING' AND name IS NULL AND amount = 300"),
            1);
  EXPECT_EQ(receiver_field(receiver,
                           "concat_ws('|', result, retry_count, finally_failed, "
                           "next_retry_at - now() > interval '29 minutes')"),
            "CLOSED|1|f|t");
  EXPECT_EQ(sql("SELECT string_agg(type, ',' ORDER BY id) FROM "
                "wechat_pay_profit_share_operation_log"),
            "query_remaining_amount,request_order");

  let_time_pass();
  r = run(api::Task::kSync);
  EXPECT_EQ(r.count("finished"), 1) << r.message;
  EXPECT_EQ(count("wechat_pay_profit_share_receiver",
                  "retry_of_receiver_id = " + std::to_string(receiver) + " AND result = 'SUCCESS'"),
            1);
  EXPECT_EQ(payouts(number), 1);

  // Succeeded: never again.
  let_time_pass();
  r = run(api::Task::kRetry);
  EXPECT_EQ(r.count("selected"), 0) << r.message;
  EXPECT_EQ(posts(), 1);
}

TEST_F(RetryTest, NonRetryableReasonIsFinalizedWithoutAnyCall) {
  const auto receiver = closed_receiver("4300000002", "S2", "1900000102", "RECEIVER_HIGH_RISK");
  mock().admin_or_throw("DELETE", "/admin/requests");
  const auto r = run(api::Task::kRetry);
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.count("finallyFailed"), 1);
  EXPECT_EQ(r.receivers_finally_failed, 1);
  EXPECT_EQ(receiver_field(receiver, "finally_failed"), "t");
  EXPECT_EQ(profitsharing_requests(), 0);
  EXPECT_EQ(count("wechat_pay_profit_share_order", "kind = 'RETRY'"), 0);
}

TEST_F(RetryTest, SelectionRules) {
  const auto pending_order = insert_order({.out_order_no = "S3", .transaction_id = "4300000003"});
  insert_receiver(pending_order, {.account = "1900000103", .result = "PENDING"});
  const auto finished =
      insert_order({.out_order_no = "S4", .transaction_id = "4300000003", .state = "FINISHED"});
  insert_receiver(finished, {.account = "1",
                             .result = "CLOSED",
                             .fail_reason = "X",
                             .created = "now() - interval '8 days'"});  // outside lookback
  insert_receiver(finished, {.account = "2",
                             .result = "CLOSED",
                             .fail_reason = "X",
                             .next_retry_at = "now() + interval '5 minutes'"});  // not due
  insert_receiver(finished,
                  {.account = "3", .result = "CLOSED", .fail_reason = "X", .finally_failed = true});
  insert_receiver(finished, {.account = "4", .result = "SUCCESS"});
  const auto other = insert_order({.out_order_no = "S5",
                                   .transaction_id = "4300000003",
                                   .state = "FINISHED",
                                   .merchant_id = 8});
  insert_receiver(other, {.account = "5", .result = "CLOSED", .fail_reason = "X"});
  const auto r = run(api::Task::kRetry);
  EXPECT_EQ(r.count("selected"), 0) << r.message;
  EXPECT_EQ(profitsharing_requests(), 0);
}

TEST_F(RetryTest, FinalizedForParentUnfreezeUnsplitAndTooSmallUnsplitAmount) {
  const auto unfreezing = insert_order({.out_order_no = "S6",
                                        .transaction_id = "4300000006",
                                        .state = "FINISHED",
                                        .unfreeze_unsplit = true});
  const auto a = insert_receiver(unfreezing,
                                 {.account = "1900000106", .result = "CLOSED", .fail_reason = "X"});
  // WeChat Pay has only 100 fen left on this transaction; the receiver needs 300.
  seed_transaction("4300000007", 1000);
  seed_mock_order("4300000007", "S7-OTHER",
                  json::array({{{"account", "1900000199"}, {"amount", 900}}}), "FINISHED");
  const auto small =
      insert_order({.out_order_no = "S7", .transaction_id = "4300000007", .state = "FINISHED"});
  const auto b = insert_receiver(
      small, {.account = "1900000107", .amount = 300, .result = "CLOSED", .fail_reason = "X"});
  mock().admin_or_throw("DELETE", "/admin/requests");

  const auto r = run(api::Task::kRetry);
  EXPECT_EQ(r.count("finallyFailed"), 2) << r.message;
  EXPECT_EQ(receiver_field(a, "finally_failed"), "t");
  EXPECT_EQ(receiver_field(b, "finally_failed"), "t");
  EXPECT_EQ(requests("GET", "/v3/profitsharing/transactions/4300000007/amounts"), 1);
  EXPECT_EQ(profitsharing_requests(), 1);  // only that amount query
}

TEST_F(RetryTest, MaxRetryIsHonoured) {
  // Every attempt for this account fails at WeChat Pay.
  mock().admin_or_throw(
      "POST", "/admin/outcomes",
      {{"account", "1900000108"}, {"result", "CLOSED"}, {"fail_reason", "ACCOUNT_ABNORMAL"}});
  const auto receiver = closed_receiver("4300000008", "S8", "1900000108", "ACCOUNT_ABNORMAL");
  auto c = config();
  c.retry.rules.max_retry = 2;
  for (int cycle = 0; cycle < 4; ++cycle) {
    let_time_pass();
    run(api::Task::kRetry, c, context());
    let_time_pass();
    run(api::Task::kSync, c, context());
  }
  EXPECT_EQ(posts(), 2);
  EXPECT_EQ(count("wechat_pay_profit_share_order", "kind = 'RETRY'"), 2);
  EXPECT_EQ(receiver_field(receiver, "concat_ws('|', retry_count, finally_failed)"), "2|t");
  EXPECT_EQ(payouts(retry_out_order_no("S8", receiver, 1)), 0);
  // The second attempt has its own number.
  EXPECT_EQ(count("wechat_pay_profit_share_order",
                  "out_order_no = '" + retry_out_order_no("S8", receiver, 2) + "'"),
            1);
}

TEST_F(RetryTest, RefusedCreateClosesTheAttemptAndTheNextRunTriesTheNextNumber) {
  const auto receiver = closed_receiver("4300000009", "S9", "1900000109", "ACCOUNT_ABNORMAL");
  mock().admin_or_throw("POST", "/admin/faults",
                        {{"kind", "error"},
                         {"status", 400},
                         {"code", "PARAM_ERROR"},
                         {"method", "POST"},
                         {"path", "/v3/profitsharing/orders"}});
  auto r = run(api::Task::kRetry);
  EXPECT_EQ(r.outcome, api::Outcome::kPartiallyFailed);
  EXPECT_EQ(r.count("failed"), 1);
  const std::string first = retry_out_order_no("S9", receiver, 1);
  EXPECT_EQ(sql("SELECT concat_ws('|', state, last_error LIKE '%PARAM_ERROR%') FROM "
                "wechat_pay_profit_share_order WHERE out_order_no = '" +
                first + "'"),
            "CLOSED|t");
  let_time_pass();
  r = run(api::Task::kRetry);
  EXPECT_EQ(r.count("resubmitted"), 1) << r.message;
  let_time_pass();
  run(api::Task::kSync);
  EXPECT_EQ(payouts(retry_out_order_no("S9", receiver, 2)), 1);
}

// The process dies between committing the intent and the POST. The next retry run must not make
// a second order; the next sync finds nothing at WeChat Pay and sends the SAME request; exactly
// one payout results.
TEST_F(RetryTest, CrashBetweenCommitAndPostIsHealedWithExactlyOnePayout) {
  const auto receiver = closed_receiver("4300000010", "S10", "1900000110", "ACCOUNT_ABNORMAL");
  const std::string number = retry_out_order_no("S10", receiver, 1);
  const std::string bin = std::getenv("ORDEROPS_BIN_DIR") ? std::getenv("ORDEROPS_BIN_DIR") : "";
  orderops::testing::ChildProcess child(
      {bin + "/orderops-profitshare-crash-child", "--database-url", url(), "--mock-dir",
       mock().state_dir(), "--task", "retry"},
      storage_ / "child.out", storage_ / "child.err");
  ASSERT_EQ(child.wait_exit(), 42) << child.stderr_text();
  EXPECT_EQ(posts(), 0);
  EXPECT_EQ(sql("SELECT concat_ws('|', kind, state, coalesce(order_id, '-')) FROM "
                "wechat_pay_profit_share_order WHERE out_order_no = '" +
                number + "'"),
            "RETRY|PROCESSING|-");

  let_time_pass();
  auto r = run(api::Task::kRetry);  // the attempt is open: no new number, no POST
  EXPECT_EQ(r.count("skipped"), 1) << r.message;
  EXPECT_EQ(posts(), 0);
  EXPECT_EQ(count("wechat_pay_profit_share_order", "kind = 'RETRY'"), 1);

  r = run(api::Task::kSync);  // RESOURCE_NOT_EXISTS -> the stored request again
  EXPECT_EQ(r.count("failed"), 0) << r.message;
  EXPECT_EQ(posts(), 1);
  let_time_pass();
  run(api::Task::kSync);
  EXPECT_EQ(
      sql("SELECT state FROM wechat_pay_profit_share_order WHERE out_order_no = '" + number + "'"),
      "FINISHED");
  EXPECT_EQ(payouts(number), 1);
  int orders_at_wechat = 0;
  for (const auto& o : mock_orders()) orders_at_wechat += o["transaction_id"] == "4300000010";
  EXPECT_EQ(orders_at_wechat, 2);  // the original split and one retry
}

// Two runs at once (two replicas, or Allow): each intent gets one order and one payout.
TEST_F(RetryTest, ConcurrentRunsNeverCreateTwoOrdersForOneIntent) {
  std::vector<std::int64_t> receivers;
  for (int i = 0; i < 6; ++i) {
    receivers.push_back(closed_receiver(numbered("43000001", i), numbered("C", i),
                                        numbered("19000002", i), "ACCOUNT_ABNORMAL"));
  }
  auto second_client = make_client();
  auto second_payment = make_client_payment(*second_client);
  auto second_store = make_pg_profitshare_store(pg::ConnectOptions{.url = url()}, clock_);
  ProfitShareRunResult a;
  ProfitShareRunResult b;
  {
    std::jthread one([&] { a = run(api::Task::kRetry); });
    std::jthread two([&] {
      b = run_profitshare_task(api::Task::kRetry, config(), *second_store, *second_payment,
                               context());
    });
  }
  EXPECT_EQ(a.count("resubmitted") + b.count("resubmitted"), 6) << a.message << " / " << b.message;
  EXPECT_EQ(a.count("failed") + b.count("failed"), 0);
  EXPECT_EQ(count("wechat_pay_profit_share_order", "kind = 'RETRY'"), 6);
  EXPECT_EQ(posts(), 6);
  let_time_pass();
  run(api::Task::kSync);
  for (std::size_t i = 0; i < receivers.size(); ++i) {
    EXPECT_EQ(payouts(retry_out_order_no(numbered("C", static_cast<int>(i)), receivers[i], 1)), 1)
        << i;
  }
}

}  // namespace
}  // namespace orderops::profitshare
