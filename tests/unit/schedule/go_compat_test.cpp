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

}  // namespace
}  // namespace orderops::schedule::go
