// TimeZone: Kubernetes' name rules, loading from the system tzdata, offsets (including after the
// fat files' 2037 horizon, from the zone's TZ rule) and Go-style RFC 3339 formatting.
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "schedule/posix_tz.h"
#include "schedule/time_zone.h"

namespace orderops::schedule {
namespace {

SystemTime at(std::string_view rfc3339) { return parse_rfc3339(rfc3339).value(); }

TEST(TimeZoneName, FollowsKubernetesValidation) {
  for (const std::string name : {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires",
                                 "Etc/GMT+5", "Etc/GMT-14", "America/Port-au-Prince"}) {
    EXPECT_TRUE(validate_time_zone_name(name)) << name;
  }
  struct Bad {
    std::string name;
    std::string message;
  };
  const Bad bad[] = {
      {"", "time zone must not be empty (omit the field for UTC)"},
      {"Local", "time zone \"Local\" is not allowed: name an explicit IANA zone"},
      {"lOcAl", "time zone \"lOcAl\" is not allowed: name an explicit IANA zone"},
      {"../etc/passwd", "unknown time zone \"../etc/passwd\""},
      {"Europe/./Berlin", "unknown time zone \"Europe/./Berlin\""},
      {"/UTC", "unknown time zone \"/UTC\""},
      {"Europe/", "unknown time zone \"Europe/\""},
      {"-Europe/Berlin", "unknown time zone \"-Europe/Berlin\""},
      {"Europe/Fifteen_Chars_X", "unknown time zone \"Europe/Fifteen_Chars_X\""},
      {"Europe/Ber lin", "unknown time zone \"Europe/Ber lin\""},
  };
  for (const auto& b : bad) {
    const auto s = validate_time_zone_name(b.name);
    ASSERT_FALSE(s) << b.name;
    EXPECT_EQ(s.error().message, b.message);
  }
}

TEST(TimeZoneLoad, LoadsIanaZonesAndRefusesOthers) {
  const auto berlin = TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(berlin) << berlin.error().message;
  EXPECT_EQ(berlin->name(), "Europe/Berlin");
  // Go opens links outside the tzdb list too ("posix/...", "posixrules"); so do we.
  const auto posix = TimeZone::load("posix/Asia/Shanghai");
  ASSERT_TRUE(posix) << posix.error().message;
  EXPECT_EQ(posix->name(), "posix/Asia/Shanghai");
  EXPECT_EQ(posix->offset_at(at("2026-01-01T00:00:00Z")), std::chrono::hours(8));

  const auto mars = TimeZone::load("Mars/Olympus");
  ASSERT_FALSE(mars);
  EXPECT_EQ(mars.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(mars.error().message, "unknown time zone \"Mars/Olympus\"");
  EXPECT_FALSE(TimeZone::load("europe/berlin"));  // names are case-sensitive, as in Go on Linux
  EXPECT_FALSE(TimeZone::load("zone.tab"));       // a file, but not a zone
  // Documented divergence: Go would load these; date/tz does not list them.
  const auto right = TimeZone::load("right/UTC");
  ASSERT_FALSE(right);
  EXPECT_NE(right.error().message.find("not supported"), std::string::npos);
}

TEST(TimeZoneOffset, UsesTheTzRuleAfterTheTable) {
  const auto berlin = TimeZone::load("Europe/Berlin").value();
  EXPECT_EQ(berlin.offset_at(at("2026-07-01T00:00:00Z")), std::chrono::hours(2));
  EXPECT_EQ(berlin.offset_at(at("2026-12-01T00:00:00Z")), std::chrono::hours(1));
  // Debian's fat files list transitions up to 2037; Go continues with "CET-1CEST,M3.5.0,...".
  EXPECT_EQ(berlin.offset_at(at("2050-07-01T00:00:00Z")), std::chrono::hours(2));
  EXPECT_EQ(berlin.offset_at(at("2050-12-01T00:00:00Z")), std::chrono::hours(1));
  const auto sydney = TimeZone::load("Australia/Sydney").value();
  EXPECT_EQ(sydney.offset_at(at("2050-01-15T00:00:00Z")), std::chrono::hours(11));
  EXPECT_EQ(sydney.offset_at(at("2050-07-15T00:00:00Z")), std::chrono::hours(10));
}

TEST(TimeZoneFormat, WritesRfc3339WithTheOffsetAsGoDoes) {
  const SystemTime t = at("2026-11-23T01:00:00.9Z");
  EXPECT_EQ(TimeZone::load("Asia/Shanghai")->format_rfc3339(t), "2026-11-23T09:00:00+08:00");
  EXPECT_EQ(TimeZone::load("America/Sao_Paulo")->format_rfc3339(t), "2026-11-22T22:00:00-03:00");
  EXPECT_EQ(TimeZone::load("Asia/Kathmandu")->format_rfc3339(t), "2026-11-23T06:45:00+05:45");
  EXPECT_EQ(TimeZone::load("America/St_Johns")->format_rfc3339(t), "2026-11-22T21:30:00-03:30");
  EXPECT_EQ(TimeZone::load("Europe/London")->format_rfc3339(t), "2026-11-23T01:00:00Z");
  EXPECT_EQ(TimeZone::utc().format_rfc3339(t), "2026-11-23T01:00:00Z");
}

TEST(PosixTzRule, ParsesWhatGoParses) {
  EXPECT_TRUE(PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0/3"));
  EXPECT_TRUE(PosixTzRule::parse("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"));
  EXPECT_TRUE(PosixTzRule::parse("EST5EDT"));  // default US rules
  EXPECT_TRUE(PosixTzRule::parse("<-03>3"));
  EXPECT_TRUE(PosixTzRule::parse("IST-2IDT,M3.4.4/26,M10.5.0"));
  EXPECT_FALSE(PosixTzRule::parse("AB1"));  // names need three letters
  EXPECT_FALSE(PosixTzRule::parse("CET-1CEST,M3.5.0"));
  EXPECT_FALSE(PosixTzRule::parse("CET-1CEST,M13.5.0,M10.5.0"));
  // Berlin in 2050: DST from the last Sunday of March 01:00 UTC to the last of October.
  const auto rule = *PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0/3");
  const std::int64_t start = 2531955600;  // 2050-03-27T01:00:00Z
  EXPECT_EQ(rule.span_at(start - 1, 0).offset, 3600);
  EXPECT_EQ(rule.span_at(start, 0).offset, 7200);
  EXPECT_EQ(rule.span_at(start, 0).begin, start);
}

}  // namespace
}  // namespace orderops::schedule
