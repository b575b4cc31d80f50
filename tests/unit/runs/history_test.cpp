#include "runs/history.h"

#include <gtest/gtest.h>

namespace orderops::runs {
namespace {

RunRecord finished(std::string id, int minute, Outcome outcome) {
  RunRecord r;
  r.run_id = std::move(id);
  r.start_time = SystemTime(std::chrono::minutes(minute));
  r.completion_time = r.start_time + std::chrono::seconds(4);
  r.outcome = outcome;
  return r;
}

std::vector<std::string> ids(const std::vector<RunRecord>& h) {
  std::vector<std::string> out;
  for (const auto& r : h) out.push_back(r.run_id);
  return out;
}

TEST(History, NewestFirstBoundedByEachLimit) {
  std::vector<RunRecord> h;
  const HistoryLimits limits{2, 1};
  h = add_to_history(h, finished("s1", 1, Outcome::kSucceeded), limits);
  h = add_to_history(h, finished("f1", 2, Outcome::kFailed), limits);
  h = add_to_history(h, finished("s2", 3, Outcome::kSucceeded), limits);
  h = add_to_history(h, finished("s3", 4, Outcome::kSucceeded), limits);
  h = add_to_history(h, finished("d1", 5, Outcome::kDeadlineExceeded), limits);
  EXPECT_EQ(ids(h), (std::vector<std::string>{"d1", "s3", "s2"}));
}

TEST(History, ZeroLimitsKeepNothingAndSameIdIsReplaced) {
  auto h = add_to_history({}, finished("a", 1, Outcome::kSucceeded), {0, 0});
  EXPECT_TRUE(h.empty());
  h = add_to_history({}, finished("a", 1, Outcome::kFailed), {3, 3});
  h = add_to_history(h, finished("a", 1, Outcome::kSucceeded), {3, 3});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].outcome, Outcome::kSucceeded);
}

TEST(History, ConsecutiveFailuresCountAndReset) {
  int n = 0;
  n = next_consecutive_failures(n, Outcome::kFailed);
  n = next_consecutive_failures(n, Outcome::kPartiallyFailed);
  n = next_consecutive_failures(n, Outcome::kDeadlineExceeded);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(next_consecutive_failures(n, Outcome::kSucceeded), 0);
}

}  // namespace
}  // namespace orderops::runs
