#include "common/go_duration.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace orderops {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(GoDuration, ParsesWhatGoAccepts) {
  struct Case {
    std::string text;
    Duration want;
  };
  const Case cases[] = {
      {"0", Duration{0}},
      {"72h", hours(72)},
      {"90m", minutes(90)},
      {"1h30m", hours(1) + minutes(30)},
      {"1.5h", minutes(90)},
      {"300ms", milliseconds(300)},
      {"15s", seconds(15)},
      {"-2s", seconds(-2)},
      {"+5m", minutes(5)},
      {"1h2m3s4ms5us6ns", hours(1) + minutes(2) + seconds(3) + milliseconds(4) + nanoseconds(5006)},
      {"\xC2\xB5s", Duration{0}},  // replaced below: a unit without number is invalid
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    if (c.text == "\xC2\xB5s") continue;
    auto got = parse_go_duration(c.text);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(*got, c.want);
  }
  EXPECT_EQ(*parse_go_duration("3\xC2\xB5s"), nanoseconds(3000));
}

TEST(GoDuration, RejectsWithAMessageNamingTheText) {
  for (const std::string text : {"", "h", "72", "1d", "1h30", "abc", "--1s", "1.h.5"}) {
    SCOPED_TRACE(text);
    auto got = parse_go_duration(text);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalid);
    EXPECT_NE(got.error().message.find("duration \"" + text + "\""), std::string::npos);
  }
}

TEST(GoDuration, FormatsLikeGo) {
  EXPECT_EQ(format_go_duration(Duration{0}), "0s");
  EXPECT_EQ(format_go_duration(hours(72)), "72h0m0s");
  EXPECT_EQ(format_go_duration(minutes(90)), "1h30m0s");
  EXPECT_EQ(format_go_duration(seconds(15)), "15s");
  EXPECT_EQ(format_go_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_go_duration(milliseconds(300)), "300ms");
  EXPECT_EQ(format_go_duration(nanoseconds(1500)), "1.5\xC2\xB5s");
  EXPECT_EQ(format_go_duration(nanoseconds(7)), "7ns");
  EXPECT_EQ(format_go_duration(seconds(-61)), "-1m1s");
}

TEST(GoDuration, RoundTrips) {
  for (const Duration d : {Duration(hours(168)), Duration(milliseconds(2250)),
                           Duration(seconds(3599)), Duration(nanoseconds(123456789))}) {
    EXPECT_EQ(*parse_go_duration(format_go_duration(d)), d);
  }
}

TEST(GoDuration, IsExactLikeGo) {
  EXPECT_EQ(parse_go_duration("1h30m").value(), std::chrono::minutes(90));
  EXPECT_EQ(parse_go_duration("-0").value(), nanoseconds(0));
  EXPECT_EQ(parse_go_duration(".5s").value(), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_go_duration("5.s").value(), std::chrono::seconds(5));
  // The fraction goes through float64 and is truncated, not rounded.
  EXPECT_EQ(parse_go_duration("1.9999999999s").value(), nanoseconds(1999999999));
  EXPECT_EQ(parse_go_duration("2562047h47m16.854775807s").value(), nanoseconds(INT64_MAX));
  EXPECT_EQ(parse_go_duration("-2562047h47m16.854775808s").value(), nanoseconds(INT64_MIN));
  EXPECT_EQ(parse_go_duration("1\xC2\xB5s").value(), nanoseconds(1000));
  EXPECT_EQ(parse_go_duration("2562047h47m16.854775808s").error().message,
            "invalid duration \"2562047h47m16.854775808s\"");
  EXPECT_EQ(parse_go_duration("1d").error().message, "unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(parse_go_duration("5").error().message, "missing unit in duration \"5\"");
  for (const std::string bad : {"", "+", ".s", "1h ", " 1h", "1..5s"}) {
    EXPECT_FALSE(parse_go_duration(bad)) << bad;
  }
}

}  // namespace
}  // namespace orderops
