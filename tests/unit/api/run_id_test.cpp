#include "api/run_id.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace orderops::api {
namespace {

SystemTime at(std::string_view rfc3339) { return *parse_rfc3339(rfc3339); }

TEST(RunId, ScheduledRunsAreNamedByUnixMinutesLikeCronJobJobs) {
  // 29353080 minutes after the epoch is 2025-10-23T02:00:00Z.
  EXPECT_EQ(scheduled_run_id("shop-aftersales", Task::kAftersales, at("2025-10-23T02:00:00Z")),
            "shop-aftersales-29353080");
  // Seconds within the minute do not change the ID.
  EXPECT_EQ(scheduled_run_id("shop-aftersales", Task::kAftersales, at("2025-10-23T02:00:59Z")),
            "shop-aftersales-29353080");
  EXPECT_EQ(scheduled_run_id("shop-aftersales", Task::kAftersales, at("2025-10-23T02:01:00Z")),
            "shop-aftersales-29353081");
}

TEST(RunId, ProfitShareRunsCarryTheTask) {
  const SystemTime slot = at("2025-10-23T02:00:00Z");
  EXPECT_EQ(scheduled_run_id("m-1900009191", Task::kSync, slot), "m-1900009191-sync-29353080");
  EXPECT_EQ(scheduled_run_id("m-1900009191", Task::kBillDownload, slot),
            "m-1900009191-download-bill-29353080");
  EXPECT_EQ(scheduled_run_id("m-1900009191", Task::kRetry, slot), "m-1900009191-retry-29353080");
  EXPECT_EQ(scheduled_run_id("m-1900009191", Task::kUnfreeze, slot),
            "m-1900009191-unfreeze-29353080");
}

TEST(RunId, ManualRunsHashTheToken) {
  // SHA-256("abc") = ba7816bf8f01cfea...
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f");
  EXPECT_EQ(manual_run_id("shop-aftersales", Task::kAftersales, "abc"),
            "shop-aftersales-manual-ba7816bf8f");
  EXPECT_EQ(manual_run_id("m-1", Task::kRetry, "abc"), "m-1-retry-manual-ba7816bf8f");
  // Stable for the same token, different for another; any text makes a safe suffix.
  EXPECT_EQ(manual_run_id("p", Task::kAftersales, "2026-11-21 run please"),
            manual_run_id("p", Task::kAftersales, "2026-11-21 run please"));
  EXPECT_NE(token_hash("token-1"), token_hash("token-2"));
  EXPECT_EQ(token_hash("").size(), 10u);
  EXPECT_EQ(token_hash("über / ünicode").find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace orderops::api
