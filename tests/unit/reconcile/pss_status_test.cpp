#include "reconcile/pss_status.h"

#include <gtest/gtest.h>

#include "api/condition_types.h"

namespace orderops::reconcile {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const SystemTime kNow = SystemTime(std::chrono::seconds(1795255230));

const api::Condition& condition(const api::ProfitShareScheduleStatus& s, std::string_view t) {
  const api::Condition* c = api::find_condition(s.conditions, t);
  EXPECT_NE(c, nullptr) << t;
  return *c;
}

FinishedRun finished(std::string id, api::Outcome outcome, api::Counts counts,
                     api::Counts measurements = {}) {
  FinishedRun f;
  f.record.run_id = std::move(id);
  f.record.start_time = kNow - minutes(1);
  f.record.completion_time = kNow - seconds(2);
  f.record.outcome = outcome;
  f.record.counts = std::move(counts);
  f.record.message = "m";
  f.measurements = std::move(measurements);
  return f;
}

struct Fixture {
  std::array<TaskDecision, 4> decisions;
  std::array<std::vector<FinishedRun>, 4> finished;
  PssStatusInputs inputs() {
    PssStatusInputs in;
    in.generation = 2;
    in.ready = readiness(std::nullopt, false);
    in.now = kNow;
    for (std::size_t i = 0; i < 4; ++i) {
      in.rounds[i].decision = &decisions[i];
      in.rounds[i].finished = finished[i];
    }
    return in;
  }
};

TEST(PssStatus, EachTaskKeepsItsOwnRecordsAndNextSlot) {
  Fixture f;
  f.decisions[0].next_schedule_time = kNow + minutes(4);
  f.decisions[1].start = StartRun{"m-download-bill-1", api::Trigger::kSchedule, kNow - seconds(30)};
  f.finished[2] = {finished("m-retry-1", api::Outcome::kSucceeded, {{"resubmitted", 1}})};
  PssStatusInputs in = f.inputs();
  in.rounds[1].active = {{"m-download-bill-1", kNow - seconds(30), kNow}};
  const PssStatusResult out = build_pss_status(in);
  const auto& s = out.status;
  EXPECT_EQ(s.tasks.sync.next_schedule_time, kNow + minutes(4));
  EXPECT_EQ(s.tasks.bill_download.last_schedule_time, kNow - seconds(30));
  ASSERT_TRUE(s.tasks.bill_download.active);
  ASSERT_TRUE(s.tasks.retry.last_run);
  EXPECT_EQ(s.tasks.retry.last_run->counts.at("resubmitted"), 1);
  EXPECT_FALSE(s.tasks.unfreeze.last_run);
  EXPECT_EQ(out.folded[2], std::vector<std::string>{"m-retry-1"});
  EXPECT_EQ(condition(s, "Running").status, api::ConditionStatus::kTrue);
  EXPECT_EQ(condition(s, "Ready").observed_generation, 2);
}

TEST(PssStatus, MeasurementsDriveStuckAndExhaustedConditions) {
  Fixture f;
  f.finished[0] = {finished("m-sync-1", api::Outcome::kSucceeded, {}, {{"ordersStuck", 2}})};
  f.finished[2] = {
      finished("m-retry-1", api::Outcome::kSucceeded, {}, {{"receiversFinallyFailed", 1}})};
  const auto s = build_pss_status(f.inputs()).status;
  EXPECT_EQ(s.orders_stuck, 2);
  EXPECT_EQ(s.receivers_finally_failed, 1);
  EXPECT_EQ(condition(s, "OrdersStuck").reason, "ProcessingTimeout");
  EXPECT_EQ(condition(s, "RetryExhausted").status, api::ConditionStatus::kTrue);

  Fixture healed;
  healed.finished[0] = {finished("m-sync-2", api::Outcome::kSucceeded, {}, {{"ordersStuck", 0}})};
  PssStatusInputs in = healed.inputs();
  in.stored = s;
  const auto after = build_pss_status(in).status;
  EXPECT_EQ(condition(after, "OrdersStuck").status, api::ConditionStatus::kFalse);
  EXPECT_EQ(condition(after, "OrdersStuck").reason, "NoStuckOrders");
  EXPECT_EQ(condition(after, "RetryExhausted").status, api::ConditionStatus::kTrue);  // kept
}

TEST(PssStatus, BillDownloadFailingAndRunFailingCountPerTask) {
  Fixture f;
  PssStatusInputs in = f.inputs();
  in.spec.alerts.bill_download_failures = 2;
  in.spec.alerts.consecutive_failures = 3;
  in.stored.tasks.bill_download.consecutive_failures = 1;
  f.finished[1] = {finished("m-download-bill-9", api::Outcome::kFailed, {{"failed", 1}})};
  in.rounds[1].finished = f.finished[1];
  const auto s = build_pss_status(in).status;
  EXPECT_EQ(condition(s, "BillDownloadFailing").status, api::ConditionStatus::kTrue);
  EXPECT_EQ(condition(s, "RunFailing").status, api::ConditionStatus::kFalse);
  EXPECT_NE(condition(s, "RunFailing").message.find("billDownload"), std::string::npos);
}

TEST(PssStatus, UnfreezeFailingFollowsTheLastUnfreezeRun) {
  Fixture f;
  f.finished[3] = {finished("m-unfreeze-1", api::Outcome::kPartiallyFailed, {{"failed", 1}})};
  auto s = build_pss_status(f.inputs()).status;
  EXPECT_EQ(condition(s, "UnfreezeFailing").reason, "UnfreezeErrors");
  Fixture g;
  g.finished[3] = {finished("m-unfreeze-2", api::Outcome::kSucceeded, {{"failed", 0}})};
  PssStatusInputs in = g.inputs();
  in.stored = s;
  s = build_pss_status(in).status;
  EXPECT_EQ(condition(s, "UnfreezeFailing").reason, "UnfreezeHealthy");
}

}  // namespace
}  // namespace orderops::reconcile
