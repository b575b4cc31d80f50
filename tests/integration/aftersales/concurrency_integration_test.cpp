// Exactly-once under contention: two runs at once, each with parallelism 4, on 50 000 overdue
// rows. Every row must change once and get exactly one audit row.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "aftersales_fixture.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops::aftersales {
namespace {

constexpr int kRows = 50000;

class AftersalesConcurrencyTest : public AftersalesPgTest {};

TEST_F(AftersalesConcurrencyTest, TwoRunsWithFourWorkersEachTransitionEveryRowOnce) {
  // A mix of all three timed states with spread deadlines.
  sql("INSERT INTO order_aftersales (id, type, reference_number, state, auto_process_time) "
      "SELECT g, CASE WHEN g % 3 = 1 THEN 'return_refund' ELSE 'exchange' END, 'R' || g, "
      "CASE g % 3 WHEN 0 THEN 'pending_approval' WHEN 1 THEN 'pending_return' "
      "ELSE 'pending_receive' END, now() - (g % 997) * interval '1 second' "
      "FROM generate_series(1, " +
      std::to_string(kRows) + ") g");
  sql("ANALYZE order_aftersales");
  AftersalesJobConfig config;
  config.batch_size = 500;
  config.parallelism = 4;
  // One run notifies (a transaction per batch), the other takes the one-statement path.
  auto notifying = config;
  notifying.notify_channel = "aftersales_events";
  auto store_a = make_store(config);
  auto store_b = make_store(config);
  ASSERT_TRUE(store_a && store_b);
  auto a = std::async(std::launch::async,
                      [&] { return run_with(*store_a, notifying, {}, "shop-aftersales-1"); });
  auto b = std::async(std::launch::async,
                      [&] { return run_with(*store_b, config, {}, "shop-aftersales-1-replica"); });
  const auto ra = a.get();
  const auto rb = b.get();
  EXPECT_EQ(ra.outcome, Outcome::kSucceeded) << ra.message;
  EXPECT_EQ(rb.outcome, Outcome::kSucceeded) << rb.message;
  EXPECT_EQ(ra.counts.selected + rb.counts.selected, kRows);
  EXPECT_EQ(ra.counts.approved + rb.counts.approved, kRows / 3);
  EXPECT_EQ(ra.counts.cancelled + rb.counts.cancelled, (kRows + 2) / 3);
  EXPECT_EQ(ra.counts.received + rb.counts.received, (kRows + 1) / 3);
  EXPECT_EQ(ra.counts.failed + rb.counts.failed, 0);
  // Both runs really competed for rows (100 batches between them).
  EXPECT_GT(ra.counts.selected, 0);
  EXPECT_GT(rb.counts.selected, 0);

  EXPECT_EQ(count("state IN ('approved', 'cancelled', 'pending_refund')"), kRows);
  EXPECT_EQ(count("auto_process_time IS NOT NULL"), 0);
  EXPECT_EQ(count("true", "order_aftersales_logs"), kRows);
  EXPECT_EQ(sql("SELECT count(*) FROM (SELECT aftersales_id FROM order_aftersales_logs "
                "GROUP BY 1 HAVING count(*) <> 1) d"),
            "0");
  // Every audit row matches the change of its row.
  EXPECT_EQ(sql("SELECT count(*) FROM order_aftersales_logs l JOIN order_aftersales a "
                "ON a.id = l.aftersales_id WHERE l.current_state <> a.state"),
            "0");
  // A run that ends first still counts the rows the other has claimed but not committed; the
  // run that ends last sees none left.
  ASSERT_TRUE(ra.backlog.has_value() && rb.backlog.has_value());
  EXPECT_EQ(std::min(ra.backlog->total, rb.backlog->total), 0);
}

}  // namespace
}  // namespace orderops::aftersales
