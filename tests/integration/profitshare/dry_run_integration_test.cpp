// Dry runs of all four tasks read from WeChat Pay and report what a live run would change, but
// leave the database, the disk and WeChat Pay exactly as they were.
#include "common/time_format.h"
#include "profitshare/out_order_no.h"
#include "profitshare_fixture.h"
#include "support/fake_clock.h"

namespace orderops::profitshare {
namespace {

using nlohmann::json;

class DryRunTest : public ProfitShareTest {};

TEST_F(DryRunTest, NothingChangesAnywhere) {
  // sync: an order WeChat Pay has finished.
  seed_transaction("4500000001", 1000);
  seed_mock_order("4500000001", "D1", json::array({{{"account", "1900000401"}, {"amount", 10}}}));
  const auto synced = insert_order({.out_order_no = "D1", .transaction_id = "4500000001"});
  insert_receiver(synced, {.account = "1900000401", .amount = 10});
  // sync: a RETRY order whose create never arrived (would be sent again).
  const auto lost =
      insert_order({.out_order_no = "D1-R1-1", .transaction_id = "4500000001", .kind = "RETRY"});
  sql("UPDATE wechat_pay_profit_share_order SET request_payload = '{}' WHERE id = " +
      std::to_string(lost));
  // retry: one receiver to resubmit, one to finalize.
  seed_transaction("4500000002", 1000);
  seed_mock_order("4500000002", "D2",
                  json::array({{{"account", "1900000402"}, {"amount", 300}, {"result", "CLOSED"}}}),
                  "FINISHED");
  const auto split = insert_order({.out_order_no = "D2",
                                   .transaction_id = "4500000002",
                                   .state = "FINISHED",
                                   .created = "now() - interval '3 days'",
                                   .finished = "now() - interval '3 days'"});
  const auto retryable = insert_receiver(
      split, {.account = "1900000402", .amount = 300, .result = "CLOSED", .fail_reason = "X"});
  insert_receiver(split,
                  {.account = "1900000403",
                   .amount = 5,
                   .result = "CLOSED",
                   .fail_reason = "RECEIVER_HIGH_RISK"},
                  1);
  // unfreeze: a split with money left and nothing to retry.
  seed_transaction("4500000003", 1000);
  seed_mock_order("4500000003", "D3", json::array({{{"account", "1900000404"}, {"amount", 10}}}),
                  "FINISHED");
  insert_order({.out_order_no = "D3",
                .transaction_id = "4500000003",
                .state = "FINISHED",
                .created = "now() - interval '3 days'",
                .finished = "now() - interval '3 days'"});
  // bills: two dates ready, one not, one old task to expire.
  for (const auto& [date, status] : {std::pair{"2026-06-12", "ready"},
                                     {"2026-06-13", "ready"},
                                     {"2026-06-14", "no_statement"}}) {
    mock().admin_or_throw("POST", "/admin/bills", {{"bill_date", date}, {"status", status}});
  }
  sql("INSERT INTO wechat_pay_profit_share_bill_task (merchant_id, bill_date, status) VALUES "
      "(7, '2026-06-01', 'failed')");

  const std::string before = checksum();
  const auto ledger_before = mock().admin_or_throw("GET", "/admin/ledger").dump();
  const auto mock_orders_before = mock_orders().dump();
  mock().admin_or_throw("DELETE", "/admin/requests");
  orderops::testing::FakeClock bill_clock(*parse_rfc3339("2026-06-15T12:00:00+08:00"));

  const auto sync = run(api::Task::kSync, config(), context(true));
  const auto retry = run(api::Task::kRetry, config(), context(true));
  const auto unfreeze = run(api::Task::kUnfreeze, config(), context(true));
  const auto bills = run(api::Task::kBillDownload, config(), context(true, &bill_clock));

  EXPECT_EQ(checksum(), before);
  EXPECT_TRUE(std::filesystem::is_empty(storage_));
  EXPECT_EQ(mock().admin_or_throw("GET", "/admin/ledger").dump(), ledger_before);
  EXPECT_EQ(mock_orders().dump(), mock_orders_before);
  for (const auto& r : mock().admin_or_throw("GET", "/admin/requests")) {
    EXPECT_EQ(r["method"], "GET") << r.dump();
    EXPECT_FALSE(r["target"].get<std::string>().starts_with("/v3/billdownload")) << r.dump();
  }

  // ... and says what it would have done.
  for (const auto* r : {&sync, &retry, &unfreeze, &bills}) {
    EXPECT_TRUE(r->dry_run);
    EXPECT_TRUE(r->message.starts_with("dry run, nothing changed: ")) << r->message;
    for (const auto& m : r->metric_increments) EXPECT_EQ(m.value, 0) << m.label;
  }
  EXPECT_EQ(sync.count("selected"), 2) << sync.message;
  EXPECT_EQ(sync.count("finished"), 1);
  EXPECT_EQ(sync.count("updated"), 2);
  EXPECT_NE(sync.message.find("send again order " + std::to_string(lost) + " (D1-R1-1)"),
            std::string::npos)
      << sync.message;
  EXPECT_EQ(retry.count("resubmitted"), 1) << retry.message;
  EXPECT_EQ(retry.count("finallyFailed"), 1);
  EXPECT_NE(retry.message.find(retry_out_order_no("D2", retryable, 1)), std::string::npos)
      << retry.message;
  EXPECT_EQ(unfreeze.count("unfrozen"), 1) << unfreeze.message;
  EXPECT_EQ(unfreeze.count("selected"), 1);
  EXPECT_EQ(bills.count("downloaded"), 2) << bills.message;
  EXPECT_EQ(bills.count("notReady"), 1);
  EXPECT_EQ(bills.count("expired"), 1);
}

}  // namespace
}  // namespace orderops::profitshare
