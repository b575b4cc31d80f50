#include "reconcile/run_folding.h"

#include <gtest/gtest.h>

namespace orderops::reconcile {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

FinishedRun run(std::string id, int minute, api::Outcome outcome) {
  FinishedRun f;
  f.record.run_id = std::move(id);
  f.record.start_time = SystemTime(minutes(minute)) + std::chrono::milliseconds(250);
  f.record.completion_time = f.record.start_time + seconds(4);
  f.record.outcome = outcome;
  return f;
}

TEST(RunFolding, FoldsLastRunHistoryFailuresAndLastSuccess) {
  api::TaskStatus task;
  const std::vector<FinishedRun> finished = {run("a-1", 1, api::Outcome::kSucceeded),
                                             run("a-2", 2, api::Outcome::kFailed),
                                             run("a-3", 3, api::Outcome::kDeadlineExceeded)};
  const auto ids = fold_finished_runs(task, finished, {3, 3});
  EXPECT_EQ(ids, (std::vector<std::string>{"a-1", "a-2", "a-3"}));
  ASSERT_TRUE(task.last_run);
  EXPECT_EQ(task.last_run->run_id, "a-3");
  EXPECT_EQ(task.consecutive_failures, 2);
  EXPECT_EQ(task.last_successful_time, SystemTime(minutes(1)) + seconds(4));  // whole seconds
  ASSERT_EQ(task.recent_runs.size(), 3u);
  EXPECT_EQ(task.recent_runs[0].run_id, "a-3");
  EXPECT_EQ(task.recent_runs[0].start_time, SystemTime(minutes(3)));
}

TEST(RunFolding, FoldingTwiceChangesNothing) {
  api::TaskStatus task;
  const std::vector<FinishedRun> finished = {run("b-1", 1, api::Outcome::kFailed)};
  fold_finished_runs(task, finished, {3, 3});
  const api::TaskStatus once = task;
  fold_finished_runs(task, finished, {3, 3});
  EXPECT_EQ(task, once);
  EXPECT_EQ(task.consecutive_failures, 1);
}

TEST(RunFolding, SuccessResetsFailuresAndHistoryIsBounded) {
  api::TaskStatus task;
  task.consecutive_failures = 5;
  std::vector<FinishedRun> finished;
  for (int i = 0; i < 6; ++i)
    finished.push_back(run("c-" + std::to_string(i), i, api::Outcome::kSucceeded));
  fold_finished_runs(task, finished, {2, 1});
  EXPECT_EQ(task.consecutive_failures, 0);
  ASSERT_EQ(task.recent_runs.size(), 2u);
  EXPECT_EQ(task.recent_runs[0].run_id, "c-5");
}

TEST(RunFolding, ActiveRunIsTheOldest) {
  api::TaskStatus task;
  set_active_run(task,
                 {{"x-2", std::nullopt, SystemTime(minutes(1)) + std::chrono::milliseconds(7)},
                  {"x-3", std::nullopt, SystemTime(minutes(2))}});
  ASSERT_TRUE(task.active);
  EXPECT_EQ(task.active->run_id, "x-2");
  EXPECT_EQ(task.active->start_time, SystemTime(minutes(1)));
  set_active_run(task, {});
  EXPECT_FALSE(task.active);
}

TEST(RunFolding, AFinishedRunIsNotStillActive) {
  const std::vector<api::ActiveRun> pool = {{"r-1", std::nullopt, SystemTime(minutes(1))},
                                            {"r-2", std::nullopt, SystemTime(minutes(2))},
                                            {"r-3", std::nullopt, SystemTime(minutes(3))}};
  const std::vector<FinishedRun> finished = {run("r-1", 1, api::Outcome::kSucceeded)};
  api::TaskStatus stored;
  stored.last_run = run("r-2", 2, api::Outcome::kFailed).record;
  const auto active = still_active(pool, finished, stored);
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].run_id, "r-3");
}

TEST(RunLedger, PendingUntilAcknowledgedAndForgottenByPrefix) {
  RunLedger ledger;
  ledger.add("shop/p/aftersales", run("p-1", 1, api::Outcome::kSucceeded));
  ledger.add("shop/p/aftersales", run("p-2", 2, api::Outcome::kSucceeded));
  ledger.add("shop/q/aftersales", run("q-1", 1, api::Outcome::kSucceeded));
  EXPECT_EQ(ledger.pending("shop/p/aftersales").size(), 2u);
  ledger.ack("shop/p/aftersales", {"p-1"});
  ASSERT_EQ(ledger.pending("shop/p/aftersales").size(), 1u);
  EXPECT_EQ(ledger.pending("shop/p/aftersales")[0].record.run_id, "p-2");
  ledger.forget("shop/p/");
  EXPECT_TRUE(ledger.pending("shop/p/aftersales").empty());
  EXPECT_EQ(ledger.pending("shop/q/aftersales").size(), 1u);
}

}  // namespace
}  // namespace orderops::reconcile
