#include "api/task.h"

#include <gtest/gtest.h>

#include "api/enums.h"
#include "api/run_status.h"

namespace orderops::api {
namespace {

TEST(Task, NamesOnEverySurface) {
  struct Row {
    Task task;
    std::string_view metric, field, cli, annotation;
  };
  const Row rows[] = {
      {Task::kAftersales, "aftersales", "", "aftersales", "orderops.io/run-now"},
      {Task::kSync, "sync", "sync", "sync", "orderops.io/run-now-sync"},
      {Task::kBillDownload, "download_bill", "billDownload", "download-bill",
       "orderops.io/run-now-download-bill"},
      {Task::kRetry, "retry", "retry", "retry", "orderops.io/run-now-retry"},
      {Task::kUnfreeze, "unfreeze", "unfreeze", "unfreeze", "orderops.io/run-now-unfreeze"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.metric);
    EXPECT_EQ(metric_name(r.task), r.metric);
    EXPECT_EQ(field_name(r.task), r.field);
    EXPECT_EQ(cli_name(r.task), r.cli);
    EXPECT_EQ(run_now_annotation(r.task), r.annotation);
    EXPECT_EQ(*parse_cli_task(r.cli), r.task);
  }
  EXPECT_FALSE(is_profit_share(Task::kAftersales));
  EXPECT_TRUE(is_profit_share(Task::kUnfreeze));
}

TEST(Task, UnknownCliTaskListsTheChoices) {
  const auto r = parse_cli_task("download_bill");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message,
            "task \"download_bill\": must be one of aftersales, sync, download-bill, retry, "
            "unfreeze");
}

TEST(Task, CountKeysFollowApiMd) {
  EXPECT_EQ(zero_counts(Task::kAftersales), (Counts{{"selected", 0},
                                                    {"approved", 0},
                                                    {"cancelled", 0},
                                                    {"received", 0},
                                                    {"failed", 0},
                                                    {"deadlinesSet", 0}}));
  EXPECT_EQ(count_keys(Task::kSync).size(), 5u);
  EXPECT_EQ(count_keys(Task::kBillDownload)[2], "notReady");
  EXPECT_EQ(count_keys(Task::kRetry)[2], "finallyFailed");
  EXPECT_EQ(count_keys(Task::kUnfreeze)[2], "nothingToUnfreeze");
}

TEST(Enums, SpellingsAndErrors) {
  EXPECT_EQ(*parse_concurrency_policy("Replace"), ConcurrencyPolicy::kReplace);
  EXPECT_EQ(parse_concurrency_policy("forbid").error().message,
            "\"forbid\": must be one of Forbid, Replace, Allow");
  EXPECT_EQ(*parse_outcome("DeadlineExceeded"), Outcome::kDeadlineExceeded);
  EXPECT_EQ(*parse_trigger("Manual"), Trigger::kManual);
  EXPECT_EQ(parse_tar_type("NONE").error().message, "\"NONE\": must be one of GZIP");
  EXPECT_EQ(to_string(Outcome::kCancelled), "Cancelled");
}

}  // namespace
}  // namespace orderops::api
