// Outcome, message and metric label values of a run result.
#include <gtest/gtest.h>

#include "profitshare/run_result.h"

namespace orderops::profitshare {
namespace {

std::int64_t metric(const ProfitShareRunResult& r, const std::string& label) {
  for (const auto& m : r.metric_increments) {
    if (m.label == label) return m.value;
  }
  ADD_FAILURE() << "no label " << label;
  return -1;
}

TEST(RunResult, EveryCountKeyIsPresent) {
  const auto r = empty_result(api::Task::kRetry, false);
  for (auto key : api::count_keys(api::Task::kRetry)) EXPECT_EQ(r.counts.count(key), 1u) << key;
  EXPECT_EQ(r.counts.size(), api::count_keys(api::Task::kRetry).size());
}

TEST(RunResult, OutcomeAndMessage) {
  auto r = empty_result(api::Task::kSync, false);
  r.add(count::kSelected, 5);
  r.add(count::kUpdated, 3);
  r.add(count::kFinished, 2);
  r.add(count::kStuck, 1);
  EXPECT_EQ(decide_outcome(r, false), api::Outcome::kSucceeded);
  for (int i = 1; i <= 12; ++i) {
    r.add(count::kFailed);
    r.failed_items.push_back(std::to_string(i));
  }
  r.outcome = decide_outcome(r, false);
  EXPECT_EQ(r.outcome, api::Outcome::kPartiallyFailed);
  EXPECT_EQ(build_message(r),
            "selected 5, updated 3, finished 2, stuck 1, failed 12; failed orders 1, 2, 3, 4, 5, "
            "6, 7, 8, 9, 10 and 2 more");
  EXPECT_EQ(decide_outcome(r, true), api::Outcome::kCancelled);
  r.error = Error{ErrorCode::kUnavailable, "database gone", {}, {}, {}};
  r.outcome = decide_outcome(r, false);
  EXPECT_EQ(r.outcome, api::Outcome::kFailed);
  EXPECT_TRUE(build_message(r).starts_with("database gone (before that: selected 5"));
  r.error->code = ErrorCode::kCancelled;
  EXPECT_EQ(decide_outcome(r, false), api::Outcome::kCancelled);
}

TEST(RunResult, DryRunMessageSaysWhatWouldChange) {
  auto r = empty_result(api::Task::kRetry, true);
  r.add(count::kSelected, 2);
  r.add(count::kResubmitted);
  r.would_change.push_back({"resubmit receiver", "42 as P1-R42-1"});
  r.outcome = decide_outcome(r, false);
  EXPECT_EQ(build_message(r),
            "dry run, nothing changed: selected 2, resubmitted 1, finallyFailed 0, skipped 0, "
            "failed 0; would resubmit receiver 42 as P1-R42-1");
}

TEST(RunResult, MetricsFollowCountsAndDryRunsCountNothing) {
  auto r = empty_result(api::Task::kBillDownload, false);
  r.add(count::kDownloaded, 2);
  r.add(count::kNotReady);
  r.add(count::kFailed);
  settle_metrics(r);
  EXPECT_EQ(metric(r, "downloaded"), 2);
  EXPECT_EQ(metric(r, "not_ready"), 1);
  EXPECT_EQ(metric(r, "expired"), 0);
  EXPECT_EQ(metric(r, "failed"), 1);

  auto sync = empty_result(api::Task::kSync, false);
  sync.add_metric("FINISHED", 3);
  settle_metrics(sync);
  EXPECT_EQ(metric(sync, "FINISHED"), 3);
  EXPECT_EQ(metric(sync, "PROCESSING"), 0);
  EXPECT_EQ(metric(sync, "CLOSED"), 0);

  auto dry = empty_result(api::Task::kUnfreeze, true);
  dry.add(count::kUnfrozen, 4);
  settle_metrics(dry);
  EXPECT_EQ(metric(dry, "unfrozen"), 0);
  EXPECT_EQ(metric(dry, "nothing_to_unfreeze"), 0);
}

TEST(RunResult, JobResultCarriesOutcomeMessageCounts) {
  auto r = empty_result(api::Task::kUnfreeze, false);
  r.add(count::kUnfrozen, 2);
  r.outcome = api::Outcome::kSucceeded;
  r.message = build_message(r);
  const auto j = r.job_result();
  EXPECT_EQ(j.outcome, api::Outcome::kSucceeded);
  EXPECT_EQ(j.message, r.message);
  EXPECT_EQ(j.counts.at("unfrozen"), 2);
}

}  // namespace
}  // namespace orderops::profitshare
