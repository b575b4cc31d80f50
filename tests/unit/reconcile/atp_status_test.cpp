#include "reconcile/atp_status.h"

#include <gtest/gtest.h>

#include "api/condition_types.h"

namespace orderops::reconcile {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const SystemTime kNow = SystemTime(std::chrono::seconds(1795255230));  // 10:00:30Z

const api::Condition& condition(const api::AftersalesTimeoutPolicyStatus& s, std::string_view t) {
  const api::Condition* c = api::find_condition(s.conditions, t);
  EXPECT_NE(c, nullptr) << t;
  return *c;
}

FinishedRun finished_run(std::string id, api::Outcome outcome, std::int64_t backlog_total) {
  FinishedRun f;
  f.record.run_id = std::move(id);
  f.record.start_time = kNow - minutes(1);
  f.record.completion_time = kNow - seconds(5);
  f.record.outcome = outcome;
  f.record.counts = {{"approved", 3}};
  f.measurements = {{"pendingApproval", backlog_total},
                    {"pendingReturn", 0},
                    {"pendingReceive", 0},
                    {"total", backlog_total},
                    {"oldestOverdueSeconds", 42}};
  return f;
}

AtpStatusInputs base_inputs() {
  AtpStatusInputs in;
  in.generation = 4;
  in.ready = readiness(std::nullopt, false);
  in.now = kNow;
  return in;
}

TEST(AtpStatus, StartingARunRecordsTheSlotTheActiveRunAndRunning) {
  AtpStatusInputs in = base_inputs();
  const SystemTime slot = kNow - seconds(30);
  in.decision.start = StartRun{"p-29587500", api::Trigger::kSchedule, slot};
  in.decision.next_schedule_time = slot + std::chrono::hours(1);
  in.active = {{"p-29587500", slot, kNow}};
  const auto r = build_atp_status(in).status;
  EXPECT_EQ(r.observed_generation, 4);
  EXPECT_EQ(r.task.last_schedule_time, slot);
  EXPECT_EQ(r.task.next_schedule_time, slot + std::chrono::hours(1));
  ASSERT_TRUE(r.task.active);
  EXPECT_EQ(r.task.active->run_id, "p-29587500");
  EXPECT_EQ(condition(r, "Ready").reason, "Scheduled");
  EXPECT_EQ(condition(r, "Running").status, api::ConditionStatus::kTrue);
  EXPECT_EQ(condition(r, "Running").observed_generation, 4);
  EXPECT_EQ(condition(r, "RunFailing").status, api::ConditionStatus::kFalse);
  EXPECT_EQ(condition(r, "BacklogHigh").status, api::ConditionStatus::kFalse);
}

TEST(AtpStatus, FinishedRunsFoldInWithTheirBacklogAndConditions) {
  AtpStatusInputs in = base_inputs();
  in.spec.alerts.backlog_threshold = 10;
  in.spec.alerts.consecutive_failures = 2;
  in.stored.task.consecutive_failures = 1;
  const std::vector<FinishedRun> runs = {finished_run("p-1", api::Outcome::kFailed, 11)};
  in.finished = runs;
  const AtpStatusResult out = build_atp_status(in);
  EXPECT_EQ(out.folded, std::vector<std::string>{"p-1"});
  const auto& s = out.status;
  EXPECT_FALSE(s.task.active);
  EXPECT_EQ(s.task.consecutive_failures, 2);
  ASSERT_TRUE(s.backlog);
  EXPECT_EQ(s.backlog->total, 11);
  EXPECT_EQ(s.backlog->oldest_overdue_seconds, 42);
  EXPECT_EQ(s.backlog->observed_time, kNow - seconds(5));
  EXPECT_EQ(condition(s, "RunFailing").status, api::ConditionStatus::kTrue);
  EXPECT_EQ(condition(s, "RunFailing").reason, "ConsecutiveFailures");
  EXPECT_EQ(condition(s, "BacklogHigh").status, api::ConditionStatus::kTrue);
  EXPECT_EQ(condition(s, "Running").reason, "Idle");
}

TEST(AtpStatus, RebuildingFromItsOwnOutputIsStable) {
  AtpStatusInputs in = base_inputs();
  const std::vector<FinishedRun> runs = {finished_run("p-2", api::Outcome::kSucceeded, 0)};
  in.finished = runs;
  in.decision.next_schedule_time = kNow + minutes(59);
  const auto first = build_atp_status(in).status;
  in.stored = first;
  in.now = kNow + minutes(1);
  EXPECT_EQ(build_atp_status(in).status, first);  // no needless status writes
}

TEST(AtpStatus, ABlockedPolicyShowsWhyAndNoNextSchedule) {
  AtpStatusInputs in = base_inputs();
  in.stored.task.next_schedule_time = kNow + minutes(30);
  in.ready = readiness(Error{ErrorCode::kUnauthorized, "password authentication failed",
                             std::string(api::reasons::kDatabaseUnavailable)},
                       false);
  const auto s = build_atp_status(in).status;
  EXPECT_FALSE(s.task.next_schedule_time);
  EXPECT_EQ(condition(s, "Ready").status, api::ConditionStatus::kFalse);
  EXPECT_EQ(condition(s, "Ready").reason, "DatabaseUnavailable");
  EXPECT_EQ(condition(s, "Stalled").status, api::ConditionStatus::kTrue);
}

TEST(AtpStatus, RunNowTokenIsRecordedAsHandled) {
  AtpStatusInputs in = base_inputs();
  in.decision.start = StartRun{"p-manual-abc", api::Trigger::kManual, std::nullopt};
  in.decision.handled_run_now = "2026-11-21-retry";
  in.stored.task.last_schedule_time = kNow - minutes(30);
  const auto s = build_atp_status(in).status;
  EXPECT_EQ(s.task.last_handled_run_now, "2026-11-21-retry");
  EXPECT_EQ(s.task.last_schedule_time, kNow - minutes(30));  // manual runs take no slot
}

TEST(AtpStatus, AnActiveRunNobodyRunsAnyMoreIsRecordedAsInterrupted) {
  AtpStatusInputs in = base_inputs();
  in.stored.task.active = api::ActiveRun{"p-29587500", kNow - minutes(3), kNow - minutes(3)};
  const auto s = build_atp_status(in).status;  // the new leader's pool does not have it
  EXPECT_FALSE(s.task.active);
  ASSERT_TRUE(s.task.last_run);
  EXPECT_EQ(s.task.last_run->run_id, "p-29587500");
  EXPECT_EQ(s.task.last_run->outcome, api::Outcome::kFailed);
  EXPECT_NE(s.task.last_run->message.find("interrupted"), std::string::npos);
  EXPECT_EQ(s.task.last_run->counts.at("approved"), 0);
  EXPECT_EQ(s.task.consecutive_failures, 1);

  AtpStatusInputs again = base_inputs();
  again.stored = s;
  EXPECT_EQ(build_atp_status(again).status.task.consecutive_failures, 1);  // recorded once

  AtpStatusInputs running = base_inputs();
  running.stored.task.active = in.stored.task.active;
  running.active = {*in.stored.task.active};
  EXPECT_FALSE(build_atp_status(running).status.task.last_run);  // still running: nothing lost
}

}  // namespace
}  // namespace orderops::reconcile
