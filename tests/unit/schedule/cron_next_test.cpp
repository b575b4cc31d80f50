// CronSchedule::next across daylight-saving changes in several zones. Expected values are what
// robfig/cron v3 returns (tests/support/robfig-ref), i.e. what a Kubernetes CronJob does; the
// comments say what a user sees.
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "schedule/cron_schedule.h"

namespace orderops::schedule {
namespace {

struct Case {
  std::string name;
  std::string schedule;
  std::string zone;
  std::string from;               // RFC 3339
  std::vector<std::string> want;  // RFC 3339 in the zone; "none" where robfig gives zero time
};

std::vector<std::string> fire_times(const Case& c, std::size_t count) {
  const auto schedule = CronSchedule::parse(c.schedule);
  const auto zone = TimeZone::load(c.zone);
  const auto from = parse_rfc3339(c.from);
  EXPECT_TRUE(schedule && zone && from);
  if (!schedule || !zone || !from) return {};
  std::vector<std::string> out;
  SystemTime t = *from;
  while (out.size() < count) {
    const auto next = schedule->next(t, *zone);
    if (!next) {
      out.push_back("none");
      break;
    }
    EXPECT_GT(*next, t);
    out.push_back(zone->format_rfc3339(*next));
    t = *next;
  }
  return out;
}

TEST(CronNext, FollowsRobfigAcrossDaylightSaving) {
  const Case cases[] = {
      {"Berlin spring forward: 02:30 does not exist that night, no run",
       "30 2 * * *",
       "Europe/Berlin",
       "2026-03-28T12:00:00Z",
       {"2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00", "2026-04-01T02:30:00+02:00"}},
      {"Berlin fall back: 02:30 happens twice and fires twice (kubernetes#121594)",
       "30 2 * * *",
       "Europe/Berlin",
       "2026-10-24T12:00:00Z",
       {"2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-10-26T02:30:00+01:00"}},
      {"Berlin hourly across the gap: 02:00 is skipped",
       "0 * * * *",
       "Europe/Berlin",
       "2026-03-29T00:30:00Z",
       {"2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00", "2026-03-29T05:00:00+02:00"}},
      {"Berlin every half hour in the repeated hour",
       "*/30 2 * * *",
       "Europe/Berlin",
       "2026-10-24T23:00:00Z",
       {"2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00", "2026-10-26T02:00:00+01:00"}},
      {"New York spring forward skips the day's 02:30",
       "30 2 * * *",
       "America/New_York",
       "2026-03-07T12:00:00Z",
       {"2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00", "2026-03-11T02:30:00-04:00"}},
      {"New York fall back: 01:30 twice",
       "30 1 * * *",
       "America/New_York",
       "2026-10-31T12:00:00Z",
       {"2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-02T01:30:00-05:00"}},
      {"Lord Howe 30-minute spring forward: 02:15 missing on Oct 4",
       "15 2 * * *",
       "Australia/Lord_Howe",
       "2026-10-03T00:00:00Z",
       {"2026-10-05T02:15:00+11:00", "2026-10-06T02:15:00+11:00", "2026-10-07T02:15:00+11:00"}},
      {"Lord Howe 30-minute fall back: 01:45 twice",
       "45 1 * * *",
       "Australia/Lord_Howe",
       "2026-04-04T00:00:00Z",
       {"2026-04-05T01:45:00+11:00", "2026-04-05T01:45:00+10:30", "2026-04-06T01:45:00+10:30"}},
      {"Shanghai has no DST today",
       "0 9 * * *",
       "Asia/Shanghai",
       "2026-11-20T00:00:00Z",
       {"2026-11-20T09:00:00+08:00", "2026-11-21T09:00:00+08:00"}},
      {"Shanghai 1988 DST gap swallows 02:30 on Apr 17",
       "30 2 * * *",
       "Asia/Shanghai",
       "1988-04-16T00:00:00Z",
       {"1988-04-18T02:30:00+09:00", "1988-04-19T02:30:00+09:00"}},
      {"Sao Paulo 2018: midnight skipped, so the daily midnight run skips that day",
       "0 0 * * *",
       "America/Sao_Paulo",
       "2018-11-02T12:00:00Z",
       {"2018-11-03T00:00:00-03:00", "2018-11-05T00:00:00-02:00", "2018-11-06T00:00:00-02:00"}},
      {"Havana: DST starts at midnight, @daily skips Mar 8",
       "@daily",
       "America/Havana",
       "2026-03-07T12:00:00Z",
       {"2026-03-09T00:00:00-04:00", "2026-03-10T00:00:00-04:00"}},
      {"Apia skipped 2011-12-30 entirely",
       "0 12 * * *",
       "Pacific/Apia",
       "2011-12-28T12:00:00Z",
       {"2011-12-28T12:00:00-10:00", "2011-12-29T12:00:00-10:00", "2011-12-31T12:00:00+14:00"}},
      {"Troll: +2 h DST",
       "0 3 * * *",
       "Antarctica/Troll",
       "2026-03-28T00:00:00Z",
       {"2026-03-28T03:00:00Z", "2026-03-29T03:00:00+02:00", "2026-03-30T03:00:00+02:00"}},
      {"Kathmandu +05:45",
       "0 3 * * *",
       "Asia/Kathmandu",
       "2026-01-01T00:00:00Z",
       {"2026-01-02T03:00:00+05:45"}},
      {"after 2037 the zone's TZ rule keeps DST (fat tzdata ends its table there)",
       "30 2 * * *",
       "Europe/Berlin",
       "2040-10-27T12:00:00Z",
       {"2040-10-28T02:30:00+02:00", "2040-10-28T02:30:00+01:00", "2040-10-29T02:30:00+01:00"}},
      {"impossible date: robfig gives up after five years",
       "0 0 30 2 *",
       "UTC",
       "2026-01-01T00:00:00Z",
       {"none"}},
      {"Feb 29 fires in leap years",
       "0 0 29 2 *",
       "UTC",
       "2026-01-01T00:00:00Z",
       {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
      {"Feb 29 after 2096: the next is 8 years away, beyond robfig's horizon",
       "0 0 29 2 *",
       "UTC",
       "2096-03-01T00:00:00Z",
       {"none"}},
      {"day-of-month OR day-of-week when both are restricted",
       "0 0 13 * 5",
       "UTC",
       "2026-01-01T00:00:00Z",
       {"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z",
        "2026-01-16T00:00:00Z"}},
      {"@every counts from the previous fire, dropping sub-seconds",
       "@every 90m",
       "UTC",
       "2026-01-01T00:00:00.75Z",
       {"2026-01-01T01:30:00Z", "2026-01-01T03:00:00Z"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(fire_times(c, c.want.size()), c.want);
  }
}

TEST(CronNext, IsStrictlyAfterTheStartEvenOnASlot) {
  const auto s = CronSchedule::parse("0 * * * *");
  const TimeZone utc = TimeZone::utc();
  const auto slot = parse_rfc3339("2026-05-01T10:00:00Z");
  EXPECT_EQ(utc.format_rfc3339(*s->next(*slot, utc)), "2026-05-01T11:00:00Z");
  EXPECT_EQ(utc.format_rfc3339(*s->next(*slot - std::chrono::nanoseconds(1), utc)),
            "2026-05-01T10:00:00Z");
}

// Where a zone skipped a whole day, robfig's search can loop forever (the Kubernetes controller
// would hang a worker). We stop and report no time instead.
TEST(CronNext, TerminatesWhereRobfigLoopsForever) {
  const auto s = CronSchedule::parse("15 1-3 * * 0");
  const auto zone = TimeZone::load("Kwajalein");  // 1993-08-21 did not happen there
  ASSERT_TRUE(s && zone);
  EXPECT_EQ(s->next(SystemTime(std::chrono::seconds(745930800)), *zone), std::nullopt);
}

TEST(CronNext, FieldsThatMatchNothingNeverFire) {
  const TimeZone utc = TimeZone::utc();
  for (const std::string expr : {", * * * *", "0 , * * *", "0 0 * , *", "0 0 , * *"}) {
    SCOPED_TRACE(expr);
    const auto s = CronSchedule::parse(expr);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->next(SystemTime(std::chrono::seconds(1767225600)), utc), std::nullopt);
  }
}

}  // namespace
}  // namespace orderops::schedule
