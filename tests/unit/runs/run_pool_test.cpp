#include "runs/run_pool.h"

#include <gtest/gtest.h>

#include <future>
#include <latch>

#include "support/fake_clock.h"

namespace orderops::runs {
namespace {

using std::chrono::seconds;

// Blocks the calling job until its stop_token fires; how a job behaves while it works.
JobResult wait_for_stop(const RunContext& ctx, std::latch* started) {
  if (started) started->count_down();
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait(lock, ctx.stop, [] { return false; });
  return JobResult{Outcome::kCancelled, "stopped between batches", {{"approved", 7}}};
}

struct Finished {
  std::promise<RunRecord> promise;
  std::future<RunRecord> future = promise.get_future();
  std::function<void(const RunRecord&)> callback() {
    return [this](const RunRecord& r) { promise.set_value(r); };
  }
};

RunRequest request(std::string id, std::string owner, Duration deadline,
                   std::function<JobResult(const RunContext&)> work,
                   std::function<void(const RunRecord&)> done) {
  RunRequest r;
  r.record.run_id = std::move(id);
  r.record.trigger = Trigger::kSchedule;
  r.owner = std::move(owner);
  r.active_deadline = deadline;
  r.work = std::move(work);
  r.on_finished = std::move(done);
  return r;
}

TEST(RunPool, RunsAJobAndRecordsItsOutcome) {
  testing::FakeClock clock;
  RunPool pool(clock, 2);
  Finished done;
  ASSERT_TRUE(pool.submit(request(
      "p-1", "shop/p/aftersales", seconds(300),
      [](const RunContext& ctx) {
        EXPECT_EQ(ctx.run_id, "p-1");
        return JobResult{Outcome::kSucceeded, "3 approved", {{"approved", 3}}};
      },
      done.callback())));
  const RunRecord r = done.future.get();
  EXPECT_EQ(r.outcome, Outcome::kSucceeded);
  EXPECT_EQ(r.counts.at("approved"), 3);
  EXPECT_EQ(r.start_time, clock.now());
  EXPECT_EQ(r.completion_time, clock.now());
  EXPECT_TRUE(pool.wait_idle({}));
  EXPECT_EQ(pool.active_count(), 0u);
}

TEST(RunPool, SameRunIdIsNotStartedTwice) {
  testing::FakeClock clock;
  RunPool pool(clock, 1);
  std::latch started(1);
  Finished done;
  ASSERT_TRUE(pool.submit(request(
      "p-1", "o", seconds(300), [&](const RunContext& c) { return wait_for_stop(c, &started); },
      done.callback())));
  started.wait();
  EXPECT_FALSE(pool.submit(request("p-1", "o", seconds(300), nullptr, nullptr)));
  pool.cancel("p-1", CancelReason::kReplaced);
  EXPECT_EQ(done.future.get().outcome, Outcome::kCancelled);
}

TEST(RunPool, QueuesBeyondTheBoundAndCancelsQueuedRunsWithoutRunningThem) {
  testing::FakeClock clock;
  RunPool pool(clock, 1);
  std::latch started(1);
  Finished first, second;
  bool second_ran = false;
  ASSERT_TRUE(pool.submit(request(
      "a-1", "o", seconds(300), [&](const RunContext& c) { return wait_for_stop(c, &started); },
      first.callback())));
  started.wait();
  ASSERT_TRUE(pool.submit(request(
      "a-2", "o", seconds(300),
      [&](const RunContext&) {
        second_ran = true;
        return JobResult{};
      },
      second.callback())));
  EXPECT_EQ(pool.active_count(), 1u);
  EXPECT_EQ(pool.queued_count(), 1u);
  EXPECT_EQ(pool.active("o").size(), 2u);
  EXPECT_TRUE(pool.active("other").empty());
  pool.cancel_owner("o", CancelReason::kDeleted);
  EXPECT_EQ(first.future.get().outcome, Outcome::kCancelled);
  const RunRecord r2 = second.future.get();
  EXPECT_EQ(r2.outcome, Outcome::kCancelled);
  EXPECT_NE(r2.message.find("resource deleted"), std::string::npos);
  EXPECT_FALSE(second_ran);
}

TEST(RunPool, DeadlineCancelsTheRunAsDeadlineExceeded) {
  testing::FakeClock clock;
  RunPool pool(clock, 1);
  std::latch started(1);
  Finished done;
  ASSERT_TRUE(pool.submit(request(
      "d-1", "o", seconds(300), [&](const RunContext& c) { return wait_for_stop(c, &started); },
      done.callback())));
  started.wait();
  clock.advance(seconds(299));
  EXPECT_EQ(done.future.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  clock.advance(seconds(1));
  const RunRecord r = done.future.get();
  EXPECT_EQ(r.outcome, Outcome::kDeadlineExceeded);
  EXPECT_NE(r.message.find("activeDeadlineSeconds"), std::string::npos);
  EXPECT_EQ(r.counts.at("approved"), 7);  // what the job did before stopping is kept
  EXPECT_EQ(*r.completion_time - r.start_time, seconds(300));
}

TEST(RunPool, CancelAllStopsEverythingForLostLeadership) {
  testing::FakeClock clock;
  RunPool pool(clock, 2);
  std::latch started(2);
  Finished a, b;
  pool.submit(request(
      "x-1", "o1", seconds(300), [&](const RunContext& c) { return wait_for_stop(c, &started); },
      a.callback()));
  pool.submit(request(
      "x-2", "o2", seconds(300), [&](const RunContext& c) { return wait_for_stop(c, &started); },
      b.callback()));
  started.wait();
  pool.cancel_all(CancelReason::kLostLeadership);
  EXPECT_TRUE(pool.wait_idle({}));
  EXPECT_NE(a.future.get().message.find("leadership lost"), std::string::npos);
  EXPECT_EQ(b.future.get().outcome, Outcome::kCancelled);
}

TEST(RunPool, AJobThatThrowsIsRecordedAsFailed) {
  testing::FakeClock clock;
  RunPool pool(clock, 1);
  Finished done;
  pool.submit(request(
      "t-1", "o", seconds(300),
      [](const RunContext&) -> JobResult { throw std::runtime_error("boom"); }, done.callback()));
  const RunRecord r = done.future.get();
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.message, "internal error: boom");
}

TEST(RunPool, CompletedWorkKeepsItsOutcomeEvenIfCancelledLate) {
  testing::FakeClock clock;
  RunPool pool(clock, 1);
  Finished done;
  std::latch started(1);
  std::latch release(1);
  pool.submit(request(
      "c-1", "o", seconds(300),
      [&](const RunContext&) {
        started.count_down();
        release.wait();
        return JobResult{Outcome::kSucceeded, "done", {}};
      },
      done.callback()));
  started.wait();
  pool.cancel("c-1", CancelReason::kReplaced);
  release.count_down();
  EXPECT_EQ(done.future.get().outcome, Outcome::kSucceeded);
}

TEST(RunPool, OnRemovedComesAfterTheRunLeftThePool) {
  testing::FakeClock clock;
  RunPool pool(clock, 1);
  std::promise<std::pair<std::size_t, std::size_t>> seen;
  RunRequest r = request(
      "r-1", "o", seconds(300), [](const RunContext&) { return JobResult{}; },
      [&](const RunRecord&) { EXPECT_EQ(pool.active("o").size(), 1u); });
  r.on_removed = [&] { seen.set_value({pool.active("o").size(), pool.active_count()}); };
  ASSERT_TRUE(pool.submit(std::move(r)));
  const auto [listed, active] = seen.get_future().get();
  EXPECT_EQ(listed, 0u);
  EXPECT_EQ(active, 0u);
}

}  // namespace
}  // namespace orderops::runs
