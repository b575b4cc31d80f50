// Outcome decisions and run messages.
#include "aftersales/run_result.h"

#include <gtest/gtest.h>

namespace orderops::aftersales {
namespace {

TEST(RunResultTest, OutcomeFollowsWhatHappened) {
  Counts none;
  Counts failed;
  failed.failed = 1;
  const Error lost{ErrorCode::kUnavailable, "lost", {}, {}, {}};
  const Error stopped{ErrorCode::kCancelled, "cancelled", {}, {}, {}};
  EXPECT_EQ(decide_outcome(none, std::nullopt, false), Outcome::kSucceeded);
  EXPECT_EQ(decide_outcome(failed, std::nullopt, false), Outcome::kPartiallyFailed);
  EXPECT_EQ(decide_outcome(failed, lost, false), Outcome::kFailed);
  EXPECT_EQ(decide_outcome(none, stopped, false), Outcome::kCancelled);
  // An error caused by the stop (a cancelled statement) is a cancellation, not a failure.
  EXPECT_EQ(decide_outcome(none, lost, true), Outcome::kCancelled);
  EXPECT_EQ(decide_outcome(failed, std::nullopt, true), Outcome::kCancelled);
}

TEST(RunResultTest, OutcomeNamesMatchTheApi) {
  EXPECT_EQ(to_string(Outcome::kSucceeded), "Succeeded");
  EXPECT_EQ(to_string(Outcome::kPartiallyFailed), "PartiallyFailed");
  EXPECT_EQ(to_string(Outcome::kFailed), "Failed");
  EXPECT_EQ(to_string(Outcome::kCancelled), "Cancelled");
}

TEST(RunResultTest, MessageNamesTheFirstTenFailedIds) {
  AftersalesRunResult r;
  r.outcome = Outcome::kPartiallyFailed;
  r.counts.approved = 5;
  r.counts.deadlines_set = 2;
  r.counts.failed = 12;
  for (std::int64_t id = 101; id <= 112; ++id) r.failed_ids.push_back(id);
  EXPECT_EQ(build_message(r),
            "approved 5, cancelled 0, received 0, deadlines set 2; failed 12: ids 101, 102, 103, "
            "104, 105, 106, 107, 108, 109, 110 and 2 more");
}

TEST(RunResultTest, FailureLeadsWithTheError) {
  AftersalesRunResult r;
  r.outcome = Outcome::kFailed;
  r.error = Error{ErrorCode::kInvalid, "column \"stage\" does not exist", "42703", {}, {}};
  r.counts.received = 3;
  EXPECT_EQ(build_message(r),
            "column \"stage\" does not exist (before that: approved 0, cancelled 0, received 3, "
            "deadlines set 0)");
}

TEST(RunResultTest, DryRunMessageShowsSamples) {
  AftersalesRunResult r;
  r.dry_run = true;
  r.counts.approved = 3;
  r.counts.received = 1;
  r.samples = {Sample{TimedState::kPendingApproval, {4, 5}},
               Sample{TimedState::kPendingReceive, {9}}};
  EXPECT_EQ(build_message(r),
            "dry run: would approve 3 (e.g. 4, 5), cancel 0, receive 1 (e.g. 9), set 0 deadlines");
}

TEST(RunResultTest, TransitionsAreTheMetricLabelSets) {
  AftersalesRunResult r;
  r.counts.approved = 1;
  r.counts.cancelled = 2;
  r.counts.received = 3;
  const auto t = r.transitions();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].from, "pending_approval");
  EXPECT_EQ(t[0].to, "approved");
  EXPECT_EQ(t[0].count, 1);
  EXPECT_EQ(t[1].from, "pending_return");
  EXPECT_EQ(t[1].to, "cancelled");
  EXPECT_EQ(t[1].count, 2);
  EXPECT_EQ(t[2].from, "pending_receive");
  EXPECT_EQ(t[2].to, "pending_refund");
  EXPECT_EQ(t[2].count, 3);
}

}  // namespace
}  // namespace orderops::aftersales
