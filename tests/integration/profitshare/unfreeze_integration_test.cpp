// unfreeze on a real PostgreSQL against the WeChat Pay mock: which splits qualify, a new number
// per unfreeze, no call when nothing is left, the parent marked once the unfreeze finished, and a
// crash between commit and POST healed by sync.
#include "integration/runtime/child_process.h"
#include "profitshare/out_order_no.h"
#include "profitshare_fixture.h"

namespace orderops::profitshare {
namespace {

using nlohmann::json;

class UnfreezeTest : public ProfitShareTest {
 protected:
  // A split of 300 out of 1000 that finished `finished` ago (SQL interval), at WeChat Pay and
  // in the database.
  std::int64_t finished_split(const std::string& tx, const std::string& out,
                              const std::string& finished = "49 hours",
                              const std::string& created = "50 hours") {
    seed_transaction(tx, 1000);
    seed_mock_order(tx, out, json::array({{{"account", "1900000301"}, {"amount", 300}}}),
                    "FINISHED");
    const auto id = insert_order({.out_order_no = out,
                                  .transaction_id = tx,
                                  .state = "FINISHED",
                                  .created = "now() - interval '" + created + "'",
                                  .finished = "now() - interval '" + finished + "'"});
    insert_receiver(id, {.account = "1900000301", .amount = 300, .result = "SUCCESS"});
    return id;
  }
};

TEST_F(UnfreezeTest, UnfreezesTheRestUnderANewNumberAndSyncMarksTheSplit) {
  const auto split = finished_split("4400000001", "U1");
  auto r = run(api::Task::kUnfreeze);
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.count("selected"), 1);
  EXPECT_EQ(r.count("unfrozen"), 1);
  const std::string number = unfreeze_out_order_no("U1", 1);
  EXPECT_NE(number, "U1");
  EXPECT_EQ(requests("POST", "/v3/profitsharing/orders/unfreeze"), 1);
  EXPECT_EQ(sql("SELECT concat_ws('|', kind, state, parent_order_id = " + std::to_string(split) +
                ", order_id <> '') FROM wechat_pay_profit_share_order WHERE out_order_no = '" +
                number + "'"),
            "UNFREEZE|PROCESSING|t|t");
  EXPECT_EQ(order_field(split, "unfrozen_at IS NULL"), "t");  // not until it finished

  // A second run does not unfreeze again while the first is under way.
  r = run(api::Task::kUnfreeze);
  EXPECT_EQ(r.count("selected"), 0);

  let_time_pass();
  r = run(api::Task::kSync);
  EXPECT_EQ(r.count("finished"), 1) << r.message;
  EXPECT_EQ(order_field(split, "unfrozen_at IS NOT NULL"), "t");
  EXPECT_EQ(unsplit("4400000001"), 0);
  EXPECT_EQ(payouts(number), 1);  // the 700 fen went back to the merchant
  EXPECT_EQ(requests("POST", "/v3/profitsharing/orders/unfreeze"), 1);
}

TEST_F(UnfreezeTest, NothingLeftMarksTheSplitWithoutACall) {
  seed_transaction("4400000002", 1000);
  seed_mock_order("4400000002", "U2", json::array({{{"account", "1900000301"}, {"amount", 1000}}}),
                  "FINISHED");
  const auto split = insert_order({.out_order_no = "U2",
                                   .transaction_id = "4400000002",
                                   .state = "FINISHED",
                                   .created = "now() - interval '3 days'",
                                   .finished = "now() - interval '3 days'"});
  const auto r = run(api::Task::kUnfreeze);
  EXPECT_EQ(r.count("nothingToUnfreeze"), 1) << r.message;
  EXPECT_EQ(order_field(split, "unfrozen_at IS NOT NULL"), "t");
  EXPECT_EQ(requests("POST", "/v3/profitsharing/orders/unfreeze"), 0);
  EXPECT_EQ(requests("GET", "/v3/profitsharing/transactions/4400000002/amounts"), 1);
  EXPECT_EQ(count("wechat_pay_profit_share_order", "kind = 'UNFREEZE'"), 0);
}

TEST_F(UnfreezeTest, SelectionRules) {
  finished_split("4400000003", "TOO-RECENT", "47 hours", "47 hours");
  finished_split("4400000004", "TOO-OLD", "31 days", "31 days");
  const auto kept = insert_order({.out_order_no = "UNSPLIT-TRUE",
                                  .transaction_id = "4400000005",
                                  .state = "FINISHED",
                                  .created = "now() - interval '3 days'",
                                  .finished = "now() - interval '3 days'",
                                  .unfreeze_unsplit = true});
  (void)kept;
  // A receiver that retry may still resubmit keeps its money frozen.
  const auto retrying = finished_split("4400000006", "RETRYING");
  insert_receiver(retrying,
                  {.account = "1900000302",
                   .amount = 50,
                   .result = "CLOSED",
                   .fail_reason = "ACCOUNT_ABNORMAL"},
                  1);
  // ... unless the reason is one retry gives up on.
  const auto hopeless = finished_split("4400000007", "HOPELESS");
  insert_receiver(hopeless,
                  {.account = "1900000303",
                   .amount = 50,
                   .result = "CLOSED",
                   .fail_reason = "RECEIVER_HIGH_RISK"},
                  1);
  finished_split("4400000008", "PROCESSING-SPLIT");
  sql("UPDATE wechat_pay_profit_share_order SET state = 'PROCESSING' WHERE out_order_no = "
      "'PROCESSING-SPLIT'");

  const auto r = run(api::Task::kUnfreeze);
  EXPECT_EQ(r.count("selected"), 1) << r.message;
  EXPECT_EQ(r.count("unfrozen"), 1);
  EXPECT_EQ(requests("GET", "/v3/profitsharing/transactions/"), 1);
  EXPECT_EQ(requests("GET", "/v3/profitsharing/transactions/4400000007/amounts"), 1);
  EXPECT_EQ(count("wechat_pay_profit_share_order",
                  "kind = 'UNFREEZE' AND parent_order_id = " + std::to_string(hopeless)),
            1);
}

TEST_F(UnfreezeTest, ForceDropsOnlyTheAgeCheck) {
  finished_split("4400000009", "RECENT", "1 hour", "2 hours");
  finished_split("4400000010", "ANCIENT", "40 days", "40 days");
  auto c = config();
  c.unfreeze.force = true;
  const auto r = run(api::Task::kUnfreeze, c, context());
  EXPECT_EQ(r.count("selected"), 1) << r.message;
  EXPECT_EQ(count("wechat_pay_profit_share_order",
                  "out_order_no = '" + unfreeze_out_order_no("RECENT", 1) + "'"),
            1);
}

TEST_F(UnfreezeTest, CrashBetweenCommitAndPostIsHealedBySync) {
  const auto split = finished_split("4400000011", "U11");
  const std::string bin = std::getenv("ORDEROPS_BIN_DIR") ? std::getenv("ORDEROPS_BIN_DIR") : "";
  orderops::testing::ChildProcess child(
      {bin + "/orderops-profitshare-crash-child", "--database-url", url(), "--mock-dir",
       mock().state_dir(), "--task", "unfreeze"},
      storage_ / "child.out", storage_ / "child.err");
  ASSERT_EQ(child.wait_exit(), 42) << child.stderr_text();
  EXPECT_EQ(requests("POST", "/v3/profitsharing/orders/unfreeze"), 0);

  auto r = run(api::Task::kUnfreeze);  // an UNFREEZE child exists: no second number
  EXPECT_EQ(r.count("selected"), 0) << r.message;
  run(api::Task::kSync);  // not at WeChat Pay: the stored request again
  let_time_pass();
  run(api::Task::kSync);
  const std::string number = unfreeze_out_order_no("U11", 1);
  EXPECT_EQ(requests("POST", "/v3/profitsharing/orders/unfreeze"), 1);
  EXPECT_EQ(payouts(number), 1);
  EXPECT_EQ(order_field(split, "unfrozen_at IS NOT NULL"), "t");
  EXPECT_EQ(count("wechat_pay_profit_share_order", "kind = 'UNFREEZE'"), 1);
}

}  // namespace
}  // namespace orderops::profitshare
