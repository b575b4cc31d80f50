// CronSchedule::parse: what robfig/cron v3 ParseStandard accepts (and how it reads it), what
// it and the Kubernetes API reject, and messages that name the field.
#include <gtest/gtest.h>

#include "schedule/cron_schedule.h"

namespace orderops::schedule {
namespace {

// How a schedule was read shows in its first fire time after a fixed instant (checked against
// robfig with tests/support/robfig-ref).
struct Valid {
  std::string expr;
  // One fire time after 2026-01-01T00:00:00Z (a Thursday), as RFC 3339 in UTC.
  std::string first;
};

TEST(CronParse, AcceptsWhatRobfigAccepts) {
  const Valid cases[] = {
      {"* * * * *", "2026-01-01T00:01:00Z"},
      {"? ? ? ? ?", "2026-01-01T00:01:00Z"},
      {"0 0 * * *", "2026-01-02T00:00:00Z"},
      {"*/15 * * * *", "2026-01-01T00:15:00Z"},
      {"5/15 * * * *", "2026-01-01T00:05:00Z"},  // 5-59/15
      {"10-20/5 3 * * *", "2026-01-01T03:10:00Z"},
      {"0 9-17/4 * * *", "2026-01-01T09:00:00Z"},
      {"0 0 * jan,MAR,dEc *", "2026-01-02T00:00:00Z"},
      {"0 0 * feb-apr *", "2026-02-01T00:00:00Z"},
      {"0 0 * * fri-sat", "2026-01-02T00:00:00Z"},
      {"0 0 * * MON", "2026-01-05T00:00:00Z"},
      {"0 0 * * FR\xC4\xB0", "2026-01-02T00:00:00Z"},  // Go lowers U+0130 to 'i'
      {"0 0 * * 0", "2026-01-04T00:00:00Z"},
      {"0 0 1 * *", "2026-02-01T00:00:00Z"},
      {"0 0 13 * 5", "2026-01-02T00:00:00Z"},  // day 13 OR Friday
      {"0 0 13 * *", "2026-01-13T00:00:00Z"},
      {"0 0 * * 1,3-4", "2026-01-05T00:00:00Z"},
      {"0 0 ,1 * *", "2026-02-01T00:00:00Z"},    // empty list items are dropped
      {"+5 007 * * *", "2026-01-01T07:05:00Z"},  // Atoi takes a sign and leading zeros
      {"*-5 0 * * *", "2026-01-01T00:01:00Z"},   // a star ignores what follows its hyphen
      {"0\t0\xC2\xA0*\xE2\x80\x83* *", "2026-01-02T00:00:00Z"},  // Unicode spaces separate
      {"  0 0 * * *  ", "2026-01-02T00:00:00Z"},
      {"@yearly", "2027-01-01T00:00:00Z"},
      {"@annually", "2027-01-01T00:00:00Z"},
      {"@monthly", "2026-02-01T00:00:00Z"},
      {"@weekly", "2026-01-04T00:00:00Z"},
      {"@daily", "2026-01-02T00:00:00Z"},
      {"@midnight", "2026-01-02T00:00:00Z"},
      {"@hourly", "2026-01-01T01:00:00Z"},
      {"@every 1h30m", "2026-01-01T01:30:00Z"},
      {"@every 1.9999999999s", "2026-01-01T00:00:01Z"},  // Go truncates the fraction
      {"@every 300ms", "2026-01-01T00:00:01Z"},          // at least one second
      {"@every -5s", "2026-01-01T00:00:01Z"},
      {"@every 0", "2026-01-01T00:00:01Z"},
  };
  const TimeZone utc = TimeZone::utc();
  const SystemTime from = SystemTime(std::chrono::seconds(1767225600));
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expr);
    const auto s = CronSchedule::parse(c.expr);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->expression(), c.expr);
    const auto next = s->next(from, utc);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(utc.format_rfc3339(*next), c.first);
  }
}

TEST(CronParse, ReportsTheFieldAndTheProblem) {
  struct Invalid {
    std::string expr;
    std::string message;
  };
  const Invalid cases[] = {
      {"61 * * * *", "\"61 * * * *\": minute 61 out of range 0-59"},
      {"* 24 * * *", "\"* 24 * * *\": hour 24 out of range 0-23"},
      {"* * 0 * *", "\"* * 0 * *\": day-of-month 0 out of range 1-31"},
      {"* * 32 * *", "\"* * 32 * *\": day-of-month 32 out of range 1-31"},
      {"* * * 13 *", "\"* * * 13 *\": month 13 out of range 1-12"},
      {"* * * * 7", "\"* * * * 7\": day-of-week 7 out of range 0-6"},  // robfig: 0-6 only
      {"5-61 * * * *", "\"5-61 * * * *\": minute \"5-61\": 61 out of range 0-59"},
      {"0 0 * * sat-sun",
       "\"0 0 * * sat-sun\": day-of-week \"sat-sun\": range start 6 is after its end 0"},
      {"30-10 * * * *", "\"30-10 * * * *\": minute \"30-10\": range start 30 is after its end 10"},
      {"*/0 * * * *", "\"*/0 * * * *\": minute \"*/0\": step must be at least 1"},
      {"*/-1 * * * *", "\"*/-1 * * * *\": minute \"*/-1\": negative number -1 not allowed"},
      {"1-2-3 * * * *", "\"1-2-3 * * * *\": minute \"1-2-3\": too many hyphens"},
      {"1/2/3 * * * *", "\"1/2/3 * * * *\": minute \"1/2/3\": too many slashes"},
      {"x * * * *", "\"x * * * *\": minute \"x\": \"x\" is not a number"},
      {"-1 * * * *", "\"-1 * * * *\": minute \"-1\": \"\" is not a number"},
      {"* * * foo *",
       "\"* * * foo *\": month \"foo\": \"foo\" is not a number or a month name (jan-dec)"},
      {"* * * * sunday",
       "\"* * * * sunday\": day-of-week \"sunday\": \"sunday\" is not a number or a day name "
       "(sun-sat)"},
      {"* * * *",
       "\"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week), found 4"},
      {"0 * * * * *",
       "\"0 * * * * *\": expected 5 fields (minute hour day-of-month month day-of-week), found 6"},
      {"", "\"\": empty schedule"},
      {"TZ=UTC 0 * * * *",
       "\"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"},
      {"CRON_TZ=Asia/Shanghai @daily",
       "\"CRON_TZ=Asia/Shanghai @daily\": cannot use TZ or CRON_TZ in schedule, use timeZone "
       "field instead"},
      {"@daily ",
       "\"@daily \": unknown descriptor (use @yearly, @annually, @monthly, @weekly, @daily, "
       "@midnight, @hourly or @every <duration>)"},
      {"@every 1d", "\"@every 1d\": @every: unknown unit \"d\" in duration \"1d\""},
      {"@every ", "\"@every \": @every: invalid duration \"\""},
      {"@every 5", "\"@every 5\": @every: missing unit in duration \"5\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expr);
    const auto s = CronSchedule::parse(c.expr);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(s.error().message, c.message);
  }
}

}  // namespace
}  // namespace orderops::schedule
