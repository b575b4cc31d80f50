// Which bill dates a run fetches: "today" in the resource's time zone from the injected clock,
// 10:00 local as the availability line, lookback and expiry windows.
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "profitshare/bill_calendar.h"
#include "support/fake_clock.h"

namespace orderops::profitshare {
namespace {

using namespace std::chrono;

sys_days day(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / d); }

SystemTime at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

schedule::TimeZone zone(const char* name) {
  auto z = schedule::TimeZone::load(name);
  EXPECT_TRUE(z) << name;
  return z ? *z : schedule::TimeZone::utc();
}

TEST(BillCalendar, YesterdayBecomesAvailableAtTenLocal) {
  testing::FakeClock clock(at("2026-11-21T09:59:59+08:00"));
  const auto shanghai = zone("Asia/Shanghai");
  auto w = bill_window(clock.now(), shanghai, 3, 7);
  EXPECT_EQ(w.today, day(2026, 11, 21));
  EXPECT_EQ(w.last_available, day(2026, 11, 19));
  clock.advance(seconds(1));
  w = bill_window(clock.now(), shanghai, 3, 7);
  EXPECT_EQ(w.last_available, day(2026, 11, 20));
  EXPECT_EQ(w.first, day(2026, 11, 18));
  EXPECT_EQ(w.expire_before, day(2026, 11, 14));
}

TEST(BillCalendar, TodayDependsOnTheTimeZone) {
  // 04:00 in Shanghai is still the previous evening in UTC.
  testing::FakeClock clock(at("2026-11-20T20:00:00Z"));
  EXPECT_EQ(bill_window(clock.now(), zone("Asia/Shanghai"), 3, 7).today, day(2026, 11, 21));
  EXPECT_EQ(bill_window(clock.now(), schedule::TimeZone::utc(), 3, 7).today, day(2026, 11, 20));
  // 20:00 UTC is past 10:00 UTC: yesterday (11-19) is there; in Shanghai it is 04:00 on the 21st,
  // so the 20th is not ready and the newest bill is the 19th as well.
  EXPECT_EQ(bill_window(clock.now(), schedule::TimeZone::utc(), 3, 7).last_available,
            day(2026, 11, 19));
  EXPECT_EQ(bill_window(clock.now(), zone("Asia/Shanghai"), 3, 7).last_available,
            day(2026, 11, 19));
}

TEST(BillCalendar, DaylightSavingShiftsTheTenOClockLine) {
  const auto new_york = zone("America/New_York");
  // 2026-03-09 is the first full day of EDT (UTC-4): 10:00 local is 14:00 UTC.
  testing::FakeClock clock(at("2026-03-09T13:59:59Z"));
  EXPECT_EQ(bill_window(clock.now(), new_york, 3, 7).last_available, day(2026, 3, 7));
  clock.advance(seconds(1));
  EXPECT_EQ(bill_window(clock.now(), new_york, 3, 7).last_available, day(2026, 3, 8));
}

TEST(BillCalendar, LookbackNeverReachesBeforeExpiry) {
  testing::FakeClock clock(at("2026-11-21T12:00:00+08:00"));
  const auto w = bill_window(clock.now(), zone("Asia/Shanghai"), 30, 7);
  EXPECT_EQ(w.first, w.expire_before);
}

TEST(BillCalendar, DatesToFetch) {
  testing::FakeClock clock(at("2026-11-21T12:00:00+08:00"));
  const auto w = bill_window(clock.now(), zone("Asia/Shanghai"), 3, 7);
  // Window 11-18..11-20, expiry before 11-14.
  const std::vector<BillTaskState> tasks = {
      {day(2026, 11, 18), "downloaded"},  // done
      {day(2026, 11, 19), "failed"},      // again
      {day(2026, 11, 15), "pending"},     // older than the lookback, not expired: again
      {day(2026, 11, 16), "downloaded"},  // done
      {day(2026, 11, 13), "failed"},      // before expiry (the run expires it)
      {day(2026, 11, 17), "expired"},     // final
  };
  const std::vector<sys_days> want = {day(2026, 11, 15), day(2026, 11, 19), day(2026, 11, 20)};
  EXPECT_EQ(bill_dates_to_fetch(w, tasks), want);
}

TEST(BillCalendar, NothingBeforeTenOnTheFirstDay) {
  testing::FakeClock clock(at("2026-11-21T08:00:00+08:00"));
  const auto w = bill_window(clock.now(), zone("Asia/Shanghai"), 1, 7);
  EXPECT_TRUE(bill_dates_to_fetch(w, {}).empty());  // 11-20 is the only date and is not ready
}

}  // namespace
}  // namespace orderops::profitshare
