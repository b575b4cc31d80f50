// The job logic over a fake store: batching and its stop conditions, the maxRecordsPerRun budget
// shared by workers, failed-row exclusion, halting on errors, cancellation, dry run and filling.
#include "aftersales/job.h"

#include <gtest/gtest.h>

#include "fake_store.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"

namespace orderops::aftersales {
namespace {

using testing::FakeStore;

class JobTest : public ::testing::Test {
 protected:
  AftersalesRunResult run(const AftersalesJobConfig& config, std::stop_token stop = {}) {
    const RunContext ctx{"shop-aftersales-1", "shop", "shop-aftersales", stop, logger_, clock_};
    return run_aftersales_job(config, store_, ctx);
  }
  static AftersalesJobConfig batch(int size, int parallelism = 1) {
    AftersalesJobConfig c;
    c.batch_size = size;
    c.parallelism = parallelism;
    return c;
  }

  FakeStore store_;
  orderops::testing::FakeClock clock_;
  std::shared_ptr<orderops::testing::CaptureSink> sink_ =
      std::make_shared<orderops::testing::CaptureSink>();
  Logger logger_{sink_, clock_, LogFormat::kJson, LogLevel::kDebug, "aftersales"};
};

TEST_F(JobTest, BatchesUntilOneComesBackShort) {
  store_.add(1, 10, TimedState::kPendingApproval);
  const auto r = run(batch(4));
  EXPECT_EQ(r.outcome, Outcome::kSucceeded);
  EXPECT_EQ(store_.limits(), (std::vector<int>{4, 4, 4}));
  EXPECT_EQ(r.counts.selected, 10);
  EXPECT_EQ(r.counts.approved, 10);
  EXPECT_EQ(r.message, "approved 10, cancelled 0, received 0, deadlines set 0");
}

TEST_F(JobTest, AFullLastBatchNeedsOneEmptyClaimToStop) {
  store_.add(1, 8, TimedState::kPendingReceive);
  const auto r = run(batch(4));
  EXPECT_EQ(store_.batches(), 3);
  EXPECT_EQ(r.counts.received, 8);
}

TEST_F(JobTest, CountsEachTransitionSeparately) {
  store_.add(1, 2, TimedState::kPendingApproval);
  store_.add(10, 3, TimedState::kPendingReturn);
  store_.add(20, 4, TimedState::kPendingReceive);
  const auto r = run(batch(100));
  EXPECT_EQ(r.counts.approved, 2);
  EXPECT_EQ(r.counts.cancelled, 3);
  EXPECT_EQ(r.counts.received, 4);
  const auto t = r.transitions();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].from, "pending_return");
  EXPECT_EQ(t[1].to, "cancelled");
  EXPECT_EQ(t[1].count, 3);
  EXPECT_EQ(t[2].to, "pending_refund");
  EXPECT_EQ(t[2].count, 4);
}

TEST_F(JobTest, CapLimitsTheLastBatch) {
  store_.add(1, 10, TimedState::kPendingApproval);
  auto config = batch(4);
  config.max_records = 6;
  const auto r = run(config);
  EXPECT_EQ(store_.limits(), (std::vector<int>{4, 2}));
  EXPECT_EQ(r.counts.selected, 6);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded);
}

TEST_F(JobTest, CapIsSharedByParallelWorkers) {
  store_.add(1, 1000, TimedState::kPendingApproval);
  auto config = batch(7, 4);
  config.max_records = 50;
  const auto r = run(config);
  EXPECT_EQ(r.counts.selected, 50);
  int done = 0;
  for (const auto& [id, row] : store_.rows()) done += row.done;
  EXPECT_EQ(done, 50);
}

TEST_F(JobTest, ParallelWorkersApplyEveryRowOnce) {
  store_.add(1, 5000, TimedState::kPendingApproval);
  store_.add(10000, 3000, TimedState::kPendingReturn);
  const auto r = run(batch(50, 4));
  EXPECT_EQ(r.outcome, Outcome::kSucceeded);
  EXPECT_EQ(store_.opens(), 4);
  EXPECT_EQ(r.counts.approved, 5000);
  EXPECT_EQ(r.counts.cancelled, 3000);
  for (const auto& [id, row] : store_.rows()) ASSERT_EQ(row.times_applied, 1) << id;
}

TEST_F(JobTest, WorkersThatCannotConnectLeaveTheWorkToTheOthers) {
  store_.add(1, 100, TimedState::kPendingApproval);
  store_.sessions_allowed = 2;
  const auto r = run(batch(10, 4));
  EXPECT_EQ(r.outcome, Outcome::kSucceeded);
  EXPECT_EQ(r.counts.approved, 100);
  EXPECT_NE(sink_->all().find("worker could not connect"), std::string::npos);
}

TEST_F(JobTest, FailedRowsAreCountedNamedAndNotClaimedAgain) {
  store_.add(1, 12, TimedState::kPendingApproval);
  store_.failing_ids = {3, 9};
  const auto r = run(batch(5));
  EXPECT_EQ(r.outcome, Outcome::kPartiallyFailed);
  EXPECT_EQ(r.counts.approved, 10);
  EXPECT_EQ(r.counts.failed, 2);
  EXPECT_EQ(r.failed_ids, (std::vector<std::int64_t>{3, 9}));
  EXPECT_EQ(r.message, "approved 10, cancelled 0, received 0, deadlines set 0; failed 2: ids 3, 9");
  const auto exclusions = store_.exclusions();
  ASSERT_GE(exclusions.size(), 2u);
  EXPECT_TRUE(exclusions[0].empty());
  EXPECT_EQ(exclusions[1], (std::vector<std::int64_t>{3}));
}

TEST_F(JobTest, StopsClaimingAfterTooManyFailures) {
  store_.add(1, 1500, TimedState::kPendingApproval);
  for (std::int64_t id = 1; id <= 1500; ++id) store_.failing_ids.insert(id);
  const auto r = run(batch(100));
  EXPECT_EQ(r.outcome, Outcome::kPartiallyFailed);
  EXPECT_EQ(r.counts.failed, static_cast<std::int64_t>(kMaxFailedRows));
  EXPECT_NE(r.message.find("ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 990 more"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("stopped after 1000 failed rows"), std::string::npos);
}

TEST_F(JobTest, AWholeBatchErrorFailsTheRunAndKeepsEarlierCounts) {
  store_.add(1, 20, TimedState::kPendingApproval);
  store_.fail_batch_number = 3;
  const auto r = run(batch(5));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.counts.approved, 10);
  EXPECT_EQ(r.message,
            "connection lost (before that: approved 10, cancelled 0, received 0, deadlines set "
            "0)");
  // The run's own session still works, so the backlog is known.
  ASSERT_TRUE(r.backlog.has_value());
  EXPECT_EQ(r.backlog->pending_approval, 10);
}

TEST_F(JobTest, AnErrorHaltsTheOtherWorkers) {
  store_.add(1, 100000, TimedState::kPendingApproval);
  store_.fail_batch_number = 5;
  const auto r = run(batch(10, 4));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  // Each other worker finishes at most the batch it had started.
  EXPECT_LE(store_.batches(), 5 + 3);
}

TEST_F(JobTest, StopBetweenBatchesCancelsTheRun) {
  store_.add(1, 20, TimedState::kPendingApproval);
  std::stop_source stop;
  store_.after_batch = [&](int n) {
    if (n == 2) stop.request_stop();
  };
  const auto r = run(batch(5), stop.get_token());
  EXPECT_EQ(r.outcome, Outcome::kCancelled);
  EXPECT_EQ(store_.batches(), 2);
  EXPECT_EQ(r.counts.approved, 10);
  EXPECT_EQ(r.message,
            "cancelled (before that: approved 10, cancelled 0, received 0, deadlines set 0)");
  EXPECT_EQ(store_.backlog_calls(), 0);
}

TEST_F(JobTest, AlreadyStoppedRunDoesNothing) {
  store_.add(1, 20, TimedState::kPendingApproval);
  std::stop_source stop;
  stop.request_stop();
  const auto r = run(batch(5), stop.get_token());
  EXPECT_EQ(r.outcome, Outcome::kCancelled);
  EXPECT_EQ(store_.batches(), 0);
  EXPECT_EQ(store_.fill_calls(), 0);
}

TEST_F(JobTest, InvalidConfigNeverOpensTheStore) {
  auto config = batch(0);
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(store_.opens(), 0);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, ErrorCode::kInvalid);
  EXPECT_NE(r.message.find("spec.batchSize: 0 out of range 1-10000"), std::string::npos);
}

TEST_F(JobTest, UnreachableDatabaseFailsWithItsError) {
  store_.sessions_allowed = 0;
  const auto r = run(batch(5));
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, ErrorCode::kUnauthorized);
  EXPECT_EQ(r.error->reason, "28P01");
}

TEST_F(JobTest, FillsDeadlinesPageByPageBeforeClaiming) {
  store_.add(1, 7, TimedState::kPendingApproval, true, false);
  store_.add(100, 2, TimedState::kPendingApproval);
  const auto r = run(batch(3));
  EXPECT_EQ(r.counts.deadlines_set, 7);
  EXPECT_EQ(store_.fill_calls(), 3);  // 3 + 3 + 1
  EXPECT_EQ(r.counts.approved, 2);    // freshly filled deadlines are in the future
}

TEST_F(JobTest, DisabledStatesAreNeitherClaimedNorFilled) {
  store_.add(1, 3, TimedState::kPendingReceive);
  store_.add(10, 3, TimedState::kPendingReceive, true, false);
  auto config = batch(10);
  config.timeouts.pending_receive.enabled = false;
  const auto r = run(config);
  EXPECT_EQ(r.counts.received, 0);
  EXPECT_EQ(r.counts.deadlines_set, 0);
}

TEST_F(JobTest, DryRunReportsWithoutClaiming) {
  store_.add(1, 4, TimedState::kPendingApproval);
  store_.add(10, 2, TimedState::kPendingReturn);
  store_.add(20, 3, TimedState::kPendingApproval, true, false);
  auto config = batch(2);
  config.dry_run = true;
  config.sample_size = 2;
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded);
  EXPECT_EQ(store_.batches(), 0);
  EXPECT_EQ(store_.fill_calls(), 0);
  EXPECT_EQ(store_.dry_runs(), 1);
  EXPECT_EQ(r.counts.selected, 6);
  EXPECT_EQ(r.counts.approved, 4);
  EXPECT_EQ(r.counts.cancelled, 2);
  EXPECT_EQ(r.counts.deadlines_set, 3);
  EXPECT_EQ(r.message,
            "dry run: would approve 4 (e.g. 1, 2), cancel 2 (e.g. 10, 11), receive 0, set 3 "
            "deadlines");
  for (const auto& t : r.transitions()) EXPECT_EQ(t.count, 0);
  for (const auto& [id, row] : store_.rows()) EXPECT_FALSE(row.done);
}

TEST_F(JobTest, BacklogIsMeasuredAfterTheRun) {
  store_.add(1, 10, TimedState::kPendingApproval);
  store_.add(100, 3, TimedState::kPendingReturn);
  auto config = batch(4);
  config.max_records = 8;
  const auto r = run(config);
  ASSERT_TRUE(r.backlog.has_value());
  EXPECT_EQ(r.backlog->total, 5);
}

TEST_F(JobTest, LogsTheOutcomeWithCounts) {
  store_.add(1, 2, TimedState::kPendingApproval);
  run(batch(5));
  const auto log = sink_->all();
  EXPECT_NE(log.find("\"msg\":\"aftersales run finished\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"outcome\":\"Succeeded\""), std::string::npos);
  EXPECT_NE(log.find("\"approved\":2"), std::string::npos);
}

}  // namespace
}  // namespace orderops::aftersales
