// The Go standard-library behaviours the cron grammar inherits.
#include <gtest/gtest.h>

#include "schedule/go_compat.h"

namespace orderops::schedule::go {
namespace {

using std::chrono::nanoseconds;

TEST(GoFields, SplitsOnUnicodeWhiteSpaceOnly) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(fields("  a b\t\tc \n"), (V{"a", "b", "c"}));
  EXPECT_EQ(fields("a\xC2\xA0"
                   "b\xE2\x80\x83"
                   "c\xE3\x80\x80"
                   "d"),
            (V{"a", "b", "c", "d"}));
  EXPECT_EQ(fields("a\xA0"
                   "b"),
            (V{"a\xA0"
               "b"}));  // a lone 0xA0 byte is not U+00A0
  EXPECT_EQ(fields(""), V{});
}

TEST(GoAtoi, AcceptsSignAndDigitsWithinInt64) {
  EXPECT_EQ(atoi("42"), 42);
  EXPECT_EQ(atoi("+5"), 5);
  EXPECT_EQ(atoi("-7"), -7);
  EXPECT_EQ(atoi("007"), 7);
  EXPECT_EQ(atoi("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(atoi("-9223372036854775808"), INT64_MIN);
  for (const std::string bad : {"", "+", "-", "9223372036854775808", "1_000", "0x10", " 1", "1 "}) {
    EXPECT_EQ(atoi(bad), std::nullopt) << bad;
  }
}

TEST(GoLower, LowersWhatCanMatchAsciiNames) {
  EXPECT_EQ(lower_ascii("MoN"), "mon");
  EXPECT_EQ(lower_ascii("FR\xC4\xB0"), "fri");  // U+0130
  EXPECT_EQ(lower_ascii("\xE2\x84\xAA"), "k");  // KELVIN SIGN
  EXPECT_EQ(lower_ascii("m\xC3\xB6n"), std::nullopt);
}

TEST(GoParseDuration, IsExactLikeGo) {
  EXPECT_EQ(parse_duration("1h30m").value(), std::chrono::minutes(90));
  EXPECT_EQ(parse_duration("-0").value(), nanoseconds(0));
  EXPECT_EQ(parse_duration(".5s").value(), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_duration("5.s").value(), std::chrono::seconds(5));
  // The fraction goes through float64 and is truncated, not rounded.
  EXPECT_EQ(parse_duration("1.9999999999s").value(), nanoseconds(1999999999));
  EXPECT_EQ(parse_duration("2562047h47m16.854775807s").value(), nanoseconds(INT64_MAX));
  EXPECT_EQ(parse_duration("-2562047h47m16.854775808s").value(), nanoseconds(INT64_MIN));
  EXPECT_EQ(parse_duration("1\xC2\xB5s").value(), nanoseconds(1000));
  EXPECT_EQ(parse_duration("2562047h47m16.854775808s").error().message,
            "invalid duration \"2562047h47m16.854775808s\"");
  EXPECT_EQ(parse_duration("1d").error().message, "unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(parse_duration("5").error().message, "missing unit in duration \"5\"");
  for (const std::string bad : {"", "+", ".s", "1h ", " 1h", "1..5s"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

}  // namespace
}  // namespace orderops::schedule::go
