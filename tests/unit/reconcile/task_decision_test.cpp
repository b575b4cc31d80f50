#include "reconcile/task_decision.h"

#include <gtest/gtest.h>

#include "api/run_id.h"
#include "common/time_format.h"

namespace orderops::reconcile {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

SystemTime at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

// Named time fixtures, as the CronJob controller's tests have them.
SystemTime top_of_the_hour() { return at("2026-11-21T10:00:00Z"); }
SystemTime just_after_the_hour() { return at("2026-11-21T10:00:30Z"); }
SystemTime just_before_the_hour() { return at("2026-11-21T09:59:30Z"); }

struct Fixture {
  schedule::CronSchedule hourly = *schedule::CronSchedule::parse("0 * * * *");
  schedule::TimeZone utc = *schedule::TimeZone::load("UTC");

  TaskInputs inputs(SystemTime now) {
    TaskInputs in;
    in.name = "shop-aftersales";
    in.task = api::Task::kAftersales;
    in.schedule = &hourly;
    in.zone = &utc;
    in.created = at("2026-11-21T08:30:00Z");
    in.last_schedule_time = at("2026-11-21T09:00:00Z");
    in.now = now;
    return in;
  }
};

api::ActiveRun running(std::string id) { return {std::move(id), std::nullopt, SystemTime{}}; }

TEST(DecideTask, NotYetDueRequeuesAtTheNextSlotPlusDelta) {
  Fixture f;
  const TaskDecision d = decide_task(f.inputs(just_before_the_hour()));
  EXPECT_FALSE(d.start);
  EXPECT_EQ(d.requeue_after, seconds(30) + std::chrono::milliseconds(100));
  EXPECT_EQ(d.next_schedule_time, top_of_the_hour());
  EXPECT_TRUE(d.events.empty());
}

TEST(DecideTask, DueSlotStartsWithItsDeterministicRunId) {
  Fixture f;
  const TaskDecision d = decide_task(f.inputs(just_after_the_hour()));
  ASSERT_TRUE(d.start);
  EXPECT_EQ(d.start->run_id, "shop-aftersales-" + std::to_string(1795255200 / 60));
  EXPECT_EQ(d.start->trigger, api::Trigger::kSchedule);
  EXPECT_EQ(d.start->scheduled_time, top_of_the_hour());
  EXPECT_FALSE(d.cancel_active);
  EXPECT_EQ(d.next_schedule_time, at("2026-11-21T11:00:00Z"));
}

TEST(DecideTask, ConcurrencyPolicies) {
  struct Case {
    const char* name;
    api::ConcurrencyPolicy policy;
    bool want_start;
    bool want_cancel;
  };
  const Case cases[] = {
      {"forbid skips while active", api::ConcurrencyPolicy::kForbid, false, false},
      {"replace cancels and starts", api::ConcurrencyPolicy::kReplace, true, true},
      {"allow starts alongside", api::ConcurrencyPolicy::kAllow, true, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    TaskInputs in = f.inputs(just_after_the_hour());
    in.policy = c.policy;
    in.active = {running("shop-aftersales-29587500")};
    const TaskDecision d = decide_task(in);
    EXPECT_EQ(d.start.has_value(), c.want_start);
    EXPECT_EQ(d.cancel_active, c.want_cancel);
    EXPECT_TRUE(d.requeue_after.has_value());
  }
}

TEST(DecideTask, TheSameSlotIsNeverStartedTwice) {
  Fixture f;
  TaskInputs in = f.inputs(just_after_the_hour());
  in.policy = api::ConcurrencyPolicy::kAllow;
  in.active = {running(api::scheduled_run_id(in.name, in.task, top_of_the_hour()))};
  EXPECT_FALSE(decide_task(in).start);
  in.active.clear();
  in.last_schedule_time = top_of_the_hour();  // the fence write already recorded it
  EXPECT_FALSE(decide_task(in).start);
}

TEST(DecideTask, SuspendStartsNothingAndIgnoresRunNowWithAnEvent) {
  Fixture f;
  TaskInputs in = f.inputs(just_after_the_hour());
  in.suspend = true;
  in.run_now_token = "please";
  const TaskDecision d = decide_task(in);
  EXPECT_FALSE(d.start);
  EXPECT_FALSE(d.requeue_after);
  EXPECT_EQ(d.handled_run_now, "please");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "RunNowIgnored");
  EXPECT_NE(d.events[0].message.find("suspended"), std::string::npos);
}

TEST(DecideTask, RunNowStartsOncePerToken) {
  Fixture f;
  TaskInputs in = f.inputs(just_before_the_hour());
  in.run_now_token = "t1";
  TaskDecision d = decide_task(in);
  ASSERT_TRUE(d.start);
  EXPECT_EQ(d.start->trigger, api::Trigger::kManual);
  EXPECT_EQ(d.start->run_id, api::manual_run_id("shop-aftersales", api::Task::kAftersales, "t1"));
  EXPECT_FALSE(d.start->scheduled_time);
  EXPECT_EQ(d.handled_run_now, "t1");
  in.last_handled_run_now = "t1";
  d = decide_task(in);
  EXPECT_FALSE(d.start);
  EXPECT_FALSE(d.handled_run_now);
}

TEST(DecideTask, RunNowWaitsUnderForbidAndIsNotLost) {
  Fixture f;
  TaskInputs in = f.inputs(just_before_the_hour());
  in.run_now_token = "t2";
  in.active = {running("shop-aftersales-29587440")};
  TaskDecision d = decide_task(in);
  EXPECT_FALSE(d.start);
  EXPECT_FALSE(d.handled_run_now);  // still pending: starts once the active run ends
  in.active.clear();
  d = decide_task(in);
  ASSERT_TRUE(d.start);
  EXPECT_EQ(d.start->trigger, api::Trigger::kManual);
}

TEST(DecideTask, ManualRunTakesPrecedenceAndTheSlotWaitsForTheNextLook) {
  Fixture f;
  TaskInputs in = f.inputs(just_after_the_hour());
  in.policy = api::ConcurrencyPolicy::kAllow;
  in.run_now_token = "t3";
  const TaskDecision d = decide_task(in);
  ASSERT_TRUE(d.start);
  EXPECT_EQ(d.start->trigger, api::Trigger::kManual);
  EXPECT_TRUE(d.requeue_after.has_value());
}

TEST(DecideTask, StartingDeadlineSkipsALateSlotWithMissedSchedule) {
  Fixture f;
  TaskInputs in = f.inputs(at("2026-11-21T10:20:00Z"));
  in.starting_deadline_seconds = 600;
  const TaskDecision d = decide_task(in);
  EXPECT_FALSE(d.start);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "MissedSchedule");
  EXPECT_NE(d.events[0].message.find("2026-11-21T10:00:00Z"), std::string::npos);
}

TEST(DecideTask, ManyMissedSlotsWarnButTheMostRecentStillRuns) {
  Fixture f;
  TaskInputs in = f.inputs(at("2026-11-30T10:05:00Z"));  // ~9 days of hourly slots missed
  const TaskDecision d = decide_task(in);
  ASSERT_TRUE(d.start);
  EXPECT_EQ(d.start->scheduled_time, at("2026-11-30T10:00:00Z"));
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "TooManyMissedStartTimes");
}

TEST(DecideTask, ImpossibleScheduleIsReportedNotRequeued) {
  Fixture f;
  const auto feb30 = *schedule::CronSchedule::parse("0 0 30 2 *");
  TaskInputs in = f.inputs(just_after_the_hour());
  in.schedule = &feb30;
  const TaskDecision d = decide_task(in);
  EXPECT_FALSE(d.start);
  EXPECT_FALSE(d.requeue_after);
  ASSERT_TRUE(d.schedule_error.has_value());
  // Names the expression and says what is wrong with it, and reads the same at any time (it
  // becomes the Ready message and a Warning event).
  EXPECT_EQ(d.schedule_error->message, "\"0 0 30 2 *\": never fires (no fire time within 5 years)");
  in.now = at("2027-03-01T00:00:00Z");
  EXPECT_EQ(decide_task(in).schedule_error->message, d.schedule_error->message);
}

TEST(DecideTask, DisabledTaskDoesNothing) {
  Fixture f;
  TaskInputs in = f.inputs(just_after_the_hour());
  in.enabled = false;
  const TaskDecision d = decide_task(in);
  EXPECT_FALSE(d.start);
  EXPECT_FALSE(d.requeue_after);
}

}  // namespace
}  // namespace orderops::reconcile
