// decide_slot: the CronJob controller's missed-slot decisions, as named fixtures in the style of
// its TestControllerV2SyncCronJob table. (The differential test compares thousands of random
// cases with the algorithm run on robfig.)
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "schedule/missed_slots.h"

namespace orderops::schedule {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

SystemTime at(std::string_view rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(SystemTime{});
}

struct Case {
  std::string name;
  // schedule
  std::string schedule = "0 * * * *";
  std::string zone = "UTC";
  std::optional<std::int64_t> deadline;
  // status
  std::string created;
  std::string last_scheduled;  // empty: never ran
  // environment
  std::string now;
  // expectations
  std::string start;            // empty: nothing starts
  std::string missed_deadline;  // empty: none
  MissedSlots missed = MissedSlots::kNone;
  Duration requeue{};
};

TEST(DecideSlot, MatchesTheCronJobController) {
  const Case cases[] = {
      {.name = "never ran, not time",
       .created = "2026-05-01T09:30:00Z",
       .now = "2026-05-01T09:59:59Z",
       .requeue = seconds(1) + milliseconds(100)},
      {.name = "never ran, is time",
       .created = "2026-05-01T09:30:00Z",
       .now = "2026-05-01T10:00:30Z",
       .start = "2026-05-01T10:00:00Z",
       .requeue = minutes(59) + seconds(30) + milliseconds(100)},
      {.name = "prev ran, not time",
       .created = "2026-05-01T08:00:00Z",
       .last_scheduled = "2026-05-01T10:00:00Z",
       .now = "2026-05-01T10:30:00Z",
       .requeue = minutes(30) + milliseconds(100)},
      {.name = "prev ran, is time",
       .created = "2026-05-01T08:00:00Z",
       .last_scheduled = "2026-05-01T10:00:00Z",
       .now = "2026-05-01T11:00:05Z",
       .start = "2026-05-01T11:00:00Z",
       .requeue = minutes(59) + seconds(55) + milliseconds(100)},
      {.name = "missed four, only the most recent runs",
       .created = "2026-05-01T05:00:00Z",
       .last_scheduled = "2026-05-01T06:00:00Z",
       .now = "2026-05-01T10:15:00Z",
       .start = "2026-05-01T10:00:00Z",
       .missed = MissedSlots::kFew,
       .requeue = minutes(45) + milliseconds(100)},
      {.name = "late but within the starting deadline",
       .deadline = 60,
       .created = "2026-05-01T05:00:00Z",
       .last_scheduled = "2026-05-01T09:00:00Z",
       .now = "2026-05-01T10:00:30Z",
       .start = "2026-05-01T10:00:00Z",
       .requeue = minutes(59) + seconds(30) + milliseconds(100)},
      {.name = "past the starting deadline: skipped, MissedSchedule",
       .deadline = 60,
       .created = "2026-05-01T05:00:00Z",
       .last_scheduled = "2026-05-01T09:00:00Z",
       .now = "2026-05-01T10:05:00Z",
       .missed_deadline = "2026-05-01T10:00:00Z",
       .requeue = minutes(55) + milliseconds(100)},
      {.name = "down for a month: warn about >100 missed, still run the latest",
       .created = "2026-04-01T00:00:00Z",
       .now = "2026-05-01T10:15:00Z",
       .start = "2026-05-01T10:00:00Z",
       .missed = MissedSlots::kMany,
       .requeue = minutes(45) + milliseconds(100)},
      {.name = "down for a month with a deadline: older slots are out of reach",
       .deadline = 3600,
       .created = "2026-04-01T00:00:00Z",
       .now = "2026-05-01T10:15:00Z",
       .start = "2026-05-01T10:00:00Z",
       .missed_deadline = "2026-05-01T09:00:00Z",
       .requeue = minutes(45) + milliseconds(100)},
      {.name = "@every counts from the anchor",
       .schedule = "@every 10m",
       .created = "2026-05-01T10:00:00Z",
       .now = "2026-05-01T10:35:00Z",
       .start = "2026-05-01T10:30:00Z",
       .missed = MissedSlots::kFew,
       .requeue = minutes(5) + milliseconds(100)},
      {.name = "fall-back night: the repeated 02:30 is a second slot",
       .schedule = "30 2 * * *",
       .zone = "Europe/Berlin",
       .created = "2026-10-01T00:00:00Z",
       .last_scheduled = "2026-10-25T00:30:00Z",  // 02:30 CEST
       .now = "2026-10-25T01:31:00Z",             // 02:31 CET
       .start = "2026-10-25T01:30:00Z",           // 02:30 CET
       .requeue = std::chrono::hours(24) - minutes(1) + milliseconds(100)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto schedule = CronSchedule::parse(c.schedule);
    const auto zone = TimeZone::load(c.zone);
    ASSERT_TRUE(schedule && zone);
    SlotInputs in;
    in.created = at(c.created);
    if (!c.last_scheduled.empty()) in.last_scheduled = at(c.last_scheduled);
    in.starting_deadline_seconds = c.deadline;
    in.now = at(c.now);
    const SlotDecision d = decide_slot(*schedule, *zone, in);
    EXPECT_FALSE(d.error.has_value());
    EXPECT_EQ(d.start, c.start.empty() ? std::nullopt : std::optional(at(c.start)));
    EXPECT_EQ(d.missed_deadline,
              c.missed_deadline.empty() ? std::nullopt : std::optional(at(c.missed_deadline)));
    EXPECT_EQ(d.missed, c.missed) << to_string(d.missed);
    EXPECT_EQ(d.requeue_after, std::optional<Duration>(c.requeue));
  }
}

TEST(DecideSlot, ImpossibleScheduleIsAnErrorWithoutRequeue) {
  const auto schedule = CronSchedule::parse("0 0 30 2 *");
  ASSERT_TRUE(schedule);
  SlotInputs in;
  in.created = at("2026-01-01T00:00:00Z");
  in.now = at("2026-05-01T00:00:00Z");
  const SlotDecision d = decide_slot(*schedule, TimeZone::utc(), in);
  ASSERT_TRUE(d.error.has_value());
  EXPECT_EQ(d.error->message, "time difference between two schedules is less than 1 second");
  EXPECT_FALSE(d.start || d.requeue_after || d.missed_deadline);
}

TEST(MostRecentScheduleTime, ReportsTheAnchorItSearchedFrom) {
  const auto schedule = CronSchedule::parse("*/5 * * * *");
  ASSERT_TRUE(schedule);
  const SystemTime now = at("2026-05-01T10:07:00Z");
  const MostRecent clamped =
      most_recent_schedule_time(*schedule, TimeZone::utc(), at("2026-05-01T09:00:00Z"), now, 300);
  EXPECT_EQ(clamped.anchor, at("2026-05-01T10:02:00Z"));
  EXPECT_EQ(clamped.slot, at("2026-05-01T10:05:00Z"));
  EXPECT_EQ(clamped.missed, MissedSlots::kNone);
  const MostRecent open = most_recent_schedule_time(*schedule, TimeZone::utc(),
                                                    at("2026-05-01T09:00:00Z"), now, std::nullopt);
  EXPECT_EQ(open.anchor, at("2026-05-01T09:00:00Z"));
  EXPECT_EQ(open.slot, at("2026-05-01T10:05:00Z"));
  EXPECT_EQ(open.missed, MissedSlots::kFew);
}

}  // namespace
}  // namespace orderops::schedule
