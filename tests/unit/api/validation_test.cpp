#include "api/validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/yaml_json.h"
#include "unit/api/examples.h"

namespace orderops::api {
namespace {

AftersalesTimeoutPolicy valid_policy() {
  auto docs = yaml_documents_to_json(testing::kAftersalesExample, "example");
  return *decode_aftersales_timeout_policy(docs->front());
}

ProfitShareSchedule valid_schedule() {
  auto docs = yaml_documents_to_json(testing::kProfitShareExample, "example");
  return *decode_profit_share_schedule(docs->front());
}

std::vector<std::string> messages(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.to_string());
  return out;
}

TEST(Validation, ApiExamplesAreValid) {
  EXPECT_EQ(messages(validate(valid_policy())), std::vector<std::string>{});
  EXPECT_EQ(messages(validate(valid_schedule())), std::vector<std::string>{});
  EXPECT_EQ(messages(validate_spec(AftersalesTimeoutPolicySpec{
                .database = {.secret_ref = {.name = "db", .key = "uri"}}})),
            std::vector<std::string>{});
}

struct AtpCase {
  std::string name;
  std::function<void(AftersalesTimeoutPolicySpec&)> mutate;
  std::string expected;
};

TEST(Validation, EachBadAftersalesFieldIsNamed) {
  const std::vector<AtpCase> cases = {
      {"minute out of range", [](auto& s) { s.scheduling.schedule = "61 * * * *"; },
       "spec.schedule: \"61 * * * *\": minute 61 out of range 0-59"},
      {"empty schedule", [](auto& s) { s.scheduling.schedule = ""; }, "spec.schedule: required"},
      {"CRON_TZ prefix", [](auto& s) { s.scheduling.schedule = "CRON_TZ=UTC 0 * * * *"; },
       "spec.schedule: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use "
       "timeZone field instead"},
      {"TZ prefix", [](auto& s) { s.scheduling.schedule = "TZ=Asia/Shanghai 0 * * * *"; },
       "spec.schedule: \"TZ=Asia/Shanghai 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use "
       "timeZone field instead"},
      {"unknown zone", [](auto& s) { s.scheduling.time_zone = "Mars/Olympus"; },
       "spec.timeZone: unknown time zone \"Mars/Olympus\""},
      {"empty zone", [](auto& s) { s.scheduling.time_zone = ""; }, "spec.timeZone: required"},
      {"negative starting deadline", [](auto& s) { s.scheduling.starting_deadline_seconds = -1; },
       "spec.startingDeadlineSeconds: -1: must be at least 0"},
      {"zero active deadline", [](auto& s) { s.scheduling.active_deadline_seconds = 0; },
       "spec.activeDeadlineSeconds: 0: must be at least 1"},
      {"batch size 0", [](auto& s) { s.batch_size = 0; },
       "spec.batchSize: 0: must be between 1 and 10000"},
      {"batch size too big", [](auto& s) { s.batch_size = 10001; },
       "spec.batchSize: 10001: must be between 1 and 10000"},
      {"parallelism 0", [](auto& s) { s.parallelism = 0; },
       "spec.parallelism: 0: must be between 1 and 16"},
      {"parallelism 17", [](auto& s) { s.parallelism = 17; },
       "spec.parallelism: 17: must be between 1 and 16"},
      {"negative cap", [](auto& s) { s.max_records_per_run = -5; },
       "spec.maxRecordsPerRun: -5: must be at least 0"},
      {"no secret name", [](auto& s) { s.database.secret_ref.name = ""; },
       "spec.database.secretRef.name: required"},
      {"bad secret name", [](auto& s) { s.database.secret_ref.name = "Shop_DB"; },
       "spec.database.secretRef.name: \"Shop_DB\": must be a Secret name (lower-case letters, "
       "digits, '-' and '.', at most 253)"},
      {"bad secret key", [](auto& s) { s.database.secret_ref.key = "a/b"; },
       "spec.database.secretRef.key: \"a/b\": must be a Secret key (letters, digits, '-', '_' and "
       "'.', at most 253)"},
      {"bad table", [](auto& s) { s.database.table = "order-aftersales"; },
       "spec.database.table: \"order-aftersales\": must be a SQL identifier "
       "([A-Za-z_][A-Za-z0-9_]*, at most 63), optionally schema-qualified"},
      {"injected table", [](auto& s) { s.database.log_table = "logs; DROP TABLE x"; },
       "spec.database.logTable: \"logs; DROP TABLE x\": must be a SQL identifier "
       "([A-Za-z_][A-Za-z0-9_]*, at most 63), optionally schema-qualified"},
      {"same tables", [](auto& s) { s.database.log_table = s.database.table; },
       "spec.database.logTable: \"order_aftersales\": must differ from spec.database.table"},
      {"bad channel", [](auto& s) { s.database.notify_channel = "order events"; },
       "spec.database.notifyChannel: \"order events\": must be empty or a channel name "
       "([A-Za-z_][A-Za-z0-9_]*, at most 63)"},
      {"unknown unit", [](auto& s) { s.timeouts.pending_approval.after = "3d"; },
       "spec.timeouts.pendingApproval.after: unknown unit \"d\" in duration \"3d\""},
      {"zero duration", [](auto& s) { s.timeouts.pending_return.after = "0s"; },
       "spec.timeouts.pendingReturn.after: duration \"0s\": must be positive"},
      {"negative duration", [](auto& s) { s.timeouts.pending_receive.after = "-1h"; },
       "spec.timeouts.pendingReceive.after: duration \"-1h\": must be positive"},
      {"negative backlog", [](auto& s) { s.alerts.backlog_threshold = -1; },
       "spec.alerts.backlogThreshold: -1: must be at least 0"},
      {"zero failures", [](auto& s) { s.alerts.consecutive_failures = 0; },
       "spec.alerts.consecutiveFailures: 0: must be at least 1"},
      {"history too long", [](auto& s) { s.successful_runs_history_limit = 101; },
       "spec.successfulRunsHistoryLimit: 101: must be between 0 and 100"},
      {"negative history", [](auto& s) { s.failed_runs_history_limit = -1; },
       "spec.failedRunsHistoryLimit: -1: must be between 0 and 100"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    AftersalesTimeoutPolicy p = valid_policy();
    c.mutate(p.spec);
    EXPECT_EQ(messages(validate(p)), std::vector<std::string>{c.expected});
  }
}

struct PssCase {
  std::string name;
  std::function<void(ProfitShareScheduleSpec&)> mutate;
  std::string expected;
};

TEST(Validation, EachBadProfitShareFieldIsNamed) {
  const std::vector<PssCase> cases = {
      {"no mchId", [](auto& s) { s.merchant.mch_id = ""; }, "spec.merchant.mchId: required"},
      {"mchId letters", [](auto& s) { s.merchant.mch_id = "19000x"; },
       "spec.merchant.mchId: \"19000x\": must be digits"},
      {"mchId too long", [](auto& s) { s.merchant.mch_id = std::string(33, '1'); },
       "spec.merchant.mchId: \"" + std::string(33, '1') + "\": must be at most 32 digits"},
      {"subMchId letters", [](auto& s) { s.merchant.sub_mch_id = "abc"; },
       "spec.merchant.subMchId: \"abc\": must be digits"},
      {"no credentials", [](auto& s) { s.merchant.credentials_secret_ref.name = ""; },
       "spec.merchant.credentialsSecretRef.name: required"},
      {"ftp endpoint", [](auto& s) { s.endpoint = "ftp://api.mch.weixin.qq.com"; },
       "spec.endpoint: \"ftp://api.mch.weixin.qq.com\": must be an https:// or http:// URL"},
      {"endpoint without host", [](auto& s) { s.endpoint = "https:///v3"; },
       "spec.endpoint: \"https:///v3\": must be an https:// or http:// URL with a host and no "
       "query"},
      {"endpoint with query", [](auto& s) { s.endpoint = "http://127.0.0.1:8443/?a=b"; },
       "spec.endpoint: \"http://127.0.0.1:8443/?a=b\": must be an https:// or http:// URL with a "
       "host and no query"},
      {"ca without name", [](auto& s) { s.ca_secret_ref = SecretKeySelector{.key = "ca.crt"}; },
       "spec.caSecretRef.name: required"},
      {"db key empty", [](auto& s) { s.database.secret_ref.key = ""; },
       "spec.database.secretRef.key: required"},
      {"unknown zone", [](auto& s) { s.time_zone = "Mars/Olympus"; },
       "spec.timeZone: unknown time zone \"Mars/Olympus\""},
      {"zero rps", [](auto& s) { s.requests_per_second = 0; },
       "spec.requestsPerSecond: 0: must be at least 1"},
      {"zero concurrency", [](auto& s) { s.max_concurrent_requests = 0; },
       "spec.maxConcurrentRequests: 0: must be at least 1"},
      {"sync schedule", [](auto& s) { s.sync.timing.schedule = "61 * * * *"; },
       "spec.sync.schedule: \"61 * * * *\": minute 61 out of range 0-59"},
      {"sync starting deadline", [](auto& s) { s.sync.timing.starting_deadline_seconds = -2; },
       "spec.sync.startingDeadlineSeconds: -2: must be at least 0"},
      {"sync active deadline", [](auto& s) { s.sync.timing.active_deadline_seconds = 0; },
       "spec.sync.activeDeadlineSeconds: 0: must be at least 1"},
      {"sync timeout", [](auto& s) { s.sync.timeout_hours = 0; },
       "spec.sync.timeoutHours: 0: must be at least 1"},
      {"sync batch", [](auto& s) { s.sync.batch_size = 20000; },
       "spec.sync.batchSize: 20000: must be between 1 and 10000"},
      {"bill schedule", [](auto& s) { s.bill_download.timing.schedule = "@fortnightly"; },
       "spec.billDownload.schedule: \"@fortnightly\": unknown descriptor (use @yearly, @annually, "
       "@monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)"},
      {"expire days", [](auto& s) { s.bill_download.expire_days = 0; },
       "spec.billDownload.expireDays: 0: must be between 1 and 90"},
      {"lookback days", [](auto& s) { s.bill_download.lookback_days = 91; },
       "spec.billDownload.lookbackDays: 91: must be between 1 and 90"},
      {"relative storage", [](auto& s) { s.bill_download.storage_path = "bills"; },
       "spec.billDownload.storagePath: must be an absolute path"},
      {"storage escapes", [](auto& s) { s.bill_download.storage_path = "/var/../etc"; },
       "spec.billDownload.storagePath: \"/var/../etc\": must not contain .."},
      {"negative retries", [](auto& s) { s.retry.max_retry = -1; },
       "spec.retry.maxRetry: -1: must be at least 0"},
      {"zero interval", [](auto& s) { s.retry.retry_interval_minutes = 0; },
       "spec.retry.retryIntervalMinutes: 0: must be at least 1"},
      {"retry lookback", [](auto& s) { s.retry.lookback_days = 0; },
       "spec.retry.lookbackDays: 0: must be at least 1"},
      {"bad reason", [](auto& s) { s.retry.non_retryable_reasons.push_back("high risk"); },
       "spec.retry.nonRetryableReasons[3]: \"high risk\": must be an upper-case WeChat Pay code "
       "like RECEIVER_HIGH_RISK"},
      {"unfreeze hours", [](auto& s) { s.unfreeze.unfreeze_hours = -1; },
       "spec.unfreeze.unfreezeHours: -1: must be at least 0"},
      {"unfreeze schedule", [](auto& s) { s.unfreeze.timing.schedule = "0 */2 * *"; },
       "spec.unfreeze.schedule: \"0 */2 * *\": expected 5 fields (minute hour day-of-month month "
       "day-of-week), found 4"},
      {"alerts", [](auto& s) { s.alerts.bill_download_failures = 0; },
       "spec.alerts.billDownloadFailures: 0: must be at least 1"},
      {"history", [](auto& s) { s.failed_runs_history_limit = 1000; },
       "spec.failedRunsHistoryLimit: 1000: must be between 0 and 100"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ProfitShareSchedule s = valid_schedule();
    c.mutate(s.spec);
    EXPECT_EQ(messages(validate(s)), std::vector<std::string>{c.expected});
  }
}

TEST(Validation, DisabledTasksAreStillValidated) {
  ProfitShareSchedule s = valid_schedule();
  s.spec.retry.timing.enabled = false;
  s.spec.retry.timing.schedule = "* * *";
  EXPECT_EQ(validate(s).size(), 1u);
}

TEST(Validation, ReportsSeveralErrorsAtOnce) {
  AftersalesTimeoutPolicy p = valid_policy();
  p.metadata.name = "";
  p.spec.scheduling.schedule = "61 * * * *";
  p.spec.scheduling.time_zone = "Mars/Olympus";
  p.spec.batch_size = 0;
  p.spec.timeouts.pending_approval.after = "3d";
  const auto errors = validate(p);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].path, "metadata.name");
  EXPECT_EQ(errors[1].path, "spec.schedule");
  EXPECT_EQ(errors[2].path, "spec.timeZone");
  EXPECT_EQ(errors[3].path, "spec.batchSize");
  EXPECT_EQ(errors[4].path, "spec.timeouts.pendingApproval.after");
  const Error e = to_error(errors);
  EXPECT_EQ(e.code, ErrorCode::kInvalid);
  EXPECT_EQ(e.reason, "InvalidSpec");
  EXPECT_NE(e.message.find("; spec.batchSize: 0: must be between 1 and 10000; "), std::string::npos)
      << e.message;
}

TEST(Validation, AcceptsSchemaQualifiedTablesAndLoopbackEndpoints) {
  AftersalesTimeoutPolicy p = valid_policy();
  p.spec.database.table = "shop.order_aftersales";
  p.spec.database.notify_channel = "orderops_events";
  EXPECT_TRUE(validate(p).empty());
  ProfitShareSchedule s = valid_schedule();
  s.spec.endpoint = "http://127.0.0.1:18443/mock";
  s.spec.merchant.sub_mch_id = "1900000109";
  s.spec.sync.timing.starting_deadline_seconds = 0;
  s.spec.bill_download.timing.schedule = "@daily";
  EXPECT_TRUE(validate(s).empty()) << to_error(validate(s)).message;
}

}  // namespace
}  // namespace orderops::api
