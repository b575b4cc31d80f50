#include "common/time_format.h"

#include <gtest/gtest.h>

namespace orderops {
namespace {

TEST(TimeFormat, FormatsWholeSecondsAndMicros) {
  const SystemTime t = SystemTime(std::chrono::seconds(1795255200)) +
                       std::chrono::microseconds(123456) + std::chrono::nanoseconds(789);
  EXPECT_EQ(format_rfc3339(t), "2026-11-21T10:00:00Z");
  EXPECT_EQ(format_rfc3339_micro(t), "2026-11-21T10:00:00.123456Z");
}

TEST(TimeFormat, ParsesZuluOffsetsAndFractions) {
  const SystemTime base = SystemTime(std::chrono::seconds(1795255200));
  EXPECT_EQ(*parse_rfc3339("2026-11-21T10:00:00Z"), base);
  EXPECT_EQ(*parse_rfc3339("2026-11-21T18:00:00+08:00"), base);
  EXPECT_EQ(*parse_rfc3339("2026-11-21T05:30:00-04:30"), base);
  EXPECT_EQ(*parse_rfc3339("2026-11-21T10:00:00.5Z"), base + std::chrono::milliseconds(500));
  EXPECT_EQ(*parse_rfc3339("2026-11-21T10:00:00.000001Z"), base + std::chrono::microseconds(1));
}

TEST(TimeFormat, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026-11-21", "2026-11-21T10:00:00", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T10:00:00.Z",
                          "2026-11-21T10:00:00+0800", "2026-11-21T10:00:00Zjunk"}) {
    SCOPED_TRACE(bad);
    auto got = parse_rfc3339(bad);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalid);
  }
}

}  // namespace
}  // namespace orderops
