#include "api/codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/yaml_json.h"
#include "common/time_format.h"
#include "unit/api/examples.h"

namespace orderops::api {
namespace {

using nlohmann::json;

json from_yaml(std::string_view text) {
  auto docs = yaml_documents_to_json(text, "test.yaml");
  EXPECT_TRUE(docs.has_value()) << docs.error().message;
  EXPECT_EQ(docs->size(), 1u);
  return docs->front();
}

SystemTime at(std::string_view rfc3339) { return *parse_rfc3339(rfc3339); }

json minimal_atp() {
  return json{{"apiVersion", "orderops.io/v1alpha1"},
              {"kind", "AftersalesTimeoutPolicy"},
              {"metadata", {{"name", "p"}, {"namespace", "shop"}}},
              {"spec", {{"database", {{"secretRef", {{"name", "shop-db"}}}}}}}};
}

std::string decode_error(const json& object) {
  auto r = decode_aftersales_timeout_policy(object);
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error().message;
}

TEST(Codec, DecodesTheAftersalesExample) {
  auto r = decode_aftersales_timeout_policy(from_yaml(testing::kAftersalesExample));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto& p = *r;
  EXPECT_EQ(p.metadata.name, "shop-aftersales");
  EXPECT_EQ(p.metadata.namespace_name, "shop");
  EXPECT_EQ(p.metadata.resource_version, "4711");
  EXPECT_EQ(p.metadata.generation, 4);
  EXPECT_EQ(p.metadata.creation_timestamp, at("2026-11-01T08:00:00Z"));
  EXPECT_EQ(p.metadata.annotations.at("orderops.io/run-now"), "token-1");
  EXPECT_EQ(p.spec.scheduling.time_zone, "Asia/Shanghai");
  EXPECT_EQ(p.spec.database.secret_ref.name, "shop-db");
  EXPECT_EQ(p.spec.timeouts.pending_return.after, "168h");
  ASSERT_EQ(p.status.conditions.size(), 2u);
  EXPECT_EQ(p.status.conditions[0].status, ConditionStatus::kTrue);
  EXPECT_EQ(p.status.conditions[1].reason, "Idle");
  EXPECT_EQ(p.status.task.last_schedule_time, at("2026-11-21T10:00:00Z"));
  ASSERT_TRUE(p.status.task.last_run.has_value());
  EXPECT_EQ(p.status.task.last_run->counts.at("deadlinesSet"), 2);
  ASSERT_EQ(p.status.task.recent_runs.size(), 2u);
  EXPECT_EQ(p.status.task.recent_runs[1].trigger, Trigger::kManual);
  EXPECT_FALSE(p.status.task.recent_runs[1].scheduled_time.has_value());
  EXPECT_EQ(p.status.task.recent_runs[1].outcome, Outcome::kPartiallyFailed);
  EXPECT_TRUE(p.status.task.recent_runs[1].dry_run);
  ASSERT_TRUE(p.status.backlog.has_value());
  EXPECT_EQ(p.status.backlog->oldest_overdue_seconds, 3600);
  EXPECT_EQ(p.status.task.last_handled_run_now, "token-1");
  EXPECT_FALSE(p.status.task.active.has_value());
}

TEST(Codec, AftersalesExampleRoundTrips) {
  const json original = from_yaml(testing::kAftersalesExample);
  auto r = decode_aftersales_timeout_policy(original);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(encode(*r), original) << encode(*r).dump(2);
  auto again = decode_aftersales_timeout_policy(encode(*r));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *r);
}

TEST(Codec, DecodesTheProfitShareExample) {
  auto r = decode_profit_share_schedule(from_yaml(testing::kProfitShareExample));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto& s = *r;
  EXPECT_EQ(s.spec.merchant.mch_id, "1900009191");
  EXPECT_EQ(s.spec.merchant.credentials_secret_ref.name, "wechatpay-1900009191");
  ASSERT_TRUE(s.spec.ca_secret_ref.has_value());
  EXPECT_EQ(s.spec.ca_secret_ref->key, "ca.crt");
  EXPECT_EQ(s.spec.sync.timing.active_deadline_seconds, 240);
  EXPECT_EQ(s.spec.retry.non_retryable_reasons.size(), 3u);
  EXPECT_EQ(s.spec.bill_download.tar_type, TarType::kGzip);
  const Scheduling unfreeze = task_scheduling(s.spec, Task::kUnfreeze);
  EXPECT_EQ(unfreeze.schedule, "0 */2 * * *");
  EXPECT_EQ(unfreeze.time_zone, "Asia/Shanghai");
  EXPECT_EQ(unfreeze.concurrency_policy, ConcurrencyPolicy::kForbid);
  const TaskStatus& sync = task_status(s.status, Task::kSync);
  ASSERT_TRUE(sync.active.has_value());
  EXPECT_EQ(sync.active->run_id, "merchant-1900009191-sync-29353085");
  EXPECT_EQ(sync.last_run->counts.at("stuck"), 2);
  EXPECT_EQ(task_status(s.status, Task::kBillDownload).last_run->outcome, Outcome::kFailed);
  EXPECT_EQ(task_status(s.status, Task::kRetry).last_handled_run_now, "again");
  EXPECT_EQ(s.status.orders_stuck, 2);
  EXPECT_EQ(s.status.receivers_finally_failed, 1);
}

TEST(Codec, ProfitShareExampleRoundTrips) {
  const json original = from_yaml(testing::kProfitShareExample);
  auto r = decode_profit_share_schedule(original);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(encode(*r), original) << encode(*r).dump(2);
}

TEST(Codec, ToleratesUnknownFieldsMissingStatusAndNulls) {
  json object = minimal_atp();
  object["spec"]["futureField"] = {{"x", 1}};
  object["metadata"]["managedFields"] = json::array();
  object["spec"]["batchSize"] = nullptr;
  object["status"] = nullptr;
  auto r = decode_aftersales_timeout_policy(object);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->spec.batch_size, 100);
  EXPECT_EQ(r->status, AftersalesTimeoutPolicyStatus{});
}

TEST(Codec, ErrorsNameTheJsonPath) {
  json object = minimal_atp();
  object["spec"]["batchSize"] = "100";
  EXPECT_EQ(decode_error(object), "spec.batchSize: expected integer, got string");

  object = minimal_atp();
  object["spec"]["timeouts"] = {{"pendingApproval", {{"enabled", "yes"}}}};
  EXPECT_EQ(decode_error(object),
            "spec.timeouts.pendingApproval.enabled: expected boolean, got string");

  object = minimal_atp();
  object["spec"]["database"] = "shop-db";
  EXPECT_EQ(decode_error(object), "spec.database: expected object, got string");

  object = minimal_atp();
  object["spec"]["concurrencyPolicy"] = "Sometimes";
  EXPECT_EQ(decode_error(object),
            "spec.concurrencyPolicy: \"Sometimes\": must be one of Forbid, Replace, Allow");

  object = minimal_atp();
  object["status"] = {{"lastScheduleTime", "yesterday"}};
  EXPECT_EQ(decode_error(object), "status.lastScheduleTime: time \"yesterday\": not RFC 3339");

  object = minimal_atp();
  object["status"] = {{"conditions", json::array({json::object(), "Ready"})}};
  EXPECT_EQ(decode_error(object), "status.conditions[1]: expected object, got string");

  object = minimal_atp();
  object["status"] = {{"lastRun", {{"outcome", "Exploded"}, {"counts", {{"selected", "1"}}}}}};
  EXPECT_EQ(decode_error(object),
            "status.lastRun.outcome: \"Exploded\": must be one of Succeeded, Failed, "
            "PartiallyFailed, DeadlineExceeded, Cancelled; status.lastRun.counts.selected: "
            "expected integer, got string");

  object = minimal_atp();
  object["kind"] = "ProfitShareSchedule";
  EXPECT_EQ(decode_error(object),
            "kind: \"ProfitShareSchedule\": expected AftersalesTimeoutPolicy");

  EXPECT_EQ(decode_error(json::array()), "<root>: expected object, got array");
}

TEST(Codec, ReportsEveryDecodeErrorAtOnce) {
  json object = minimal_atp();
  object["spec"]["batchSize"] = true;
  object["spec"]["parallelism"] = 1.5;
  object["spec"]["schedule"] = 5;
  object["metadata"]["labels"] = {{"a", 1}};
  const auto r = decode_aftersales_timeout_policy(object);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().reason, "InvalidSpec");
  EXPECT_EQ(r.error().message,
            "metadata.labels.a: expected string, got integer; spec.schedule: expected string, got "
            "integer; spec.batchSize: expected integer, got boolean; spec.parallelism: expected "
            "integer, got number");
}

TEST(Codec, IntegersAcceptWholeFloatsAndCheckTheirRange) {
  json object = minimal_atp();
  object["spec"]["batchSize"] = 250.0;
  object["spec"]["maxRecordsPerRun"] = 5000000000LL;
  auto r = decode_aftersales_timeout_policy(object);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->spec.batch_size, 250);
  EXPECT_EQ(r->spec.max_records_per_run, 5000000000LL);

  object["spec"]["batchSize"] = 5000000000LL;
  EXPECT_EQ(decode_error(object), "spec.batchSize: 5000000000: out of range for a 32-bit integer");
}

TEST(Codec, ParseReportsDecodeAndValidationErrorsOnce) {
  json object = minimal_atp();
  object["spec"]["batchSize"] = "many";  // decode error; the default left behind is not re-reported
  object["spec"]["parallelism"] = 17;    // validation error
  const auto r = parse_aftersales_timeout_policy(object);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "spec.batchSize: expected integer, got string; spec.parallelism: 17: must be between 1 "
            "and 16");
  EXPECT_TRUE(parse_aftersales_timeout_policy(minimal_atp()).has_value());
}

TEST(Codec, EncodeStatusOmitsAbsentOptionals) {
  AftersalesTimeoutPolicyStatus status;
  status.observed_generation = 3;
  status.task.consecutive_failures = 1;
  // Sub-second parts are dropped: metav1.Time has whole seconds.
  status.task.last_schedule_time = at("2026-11-21T10:00:00.750Z");
  const json encoded = encode_status(status);
  EXPECT_EQ(encoded, (json{{"observedGeneration", 3},
                           {"conditions", json::array()},
                           {"lastScheduleTime", "2026-11-21T10:00:00Z"},
                           {"consecutiveFailures", 1}}));
}

TEST(Codec, EncodeStatusForMergePatchNullsAbsentOptionals) {
  AftersalesTimeoutPolicyStatus status;
  status.observed_generation = 3;
  const json encoded = encode_status(status, StatusWrite::kMergePatch);
  for (const char* key : {"active", "lastRun", "backlog", "recentRuns", "lastHandledRunNow",
                          "lastSuccessfulTime", "nextScheduleTime", "lastScheduleTime"}) {
    ASSERT_TRUE(encoded.contains(key)) << key;
    EXPECT_TRUE(encoded[key].is_null()) << key;
  }
}

TEST(Codec, EncodeProfitShareStatusHasEveryTask) {
  ProfitShareScheduleStatus status;
  status.tasks.bill_download.active = ActiveRun{.run_id = "m-download-bill-1",
                                                .scheduled_time = at("2026-11-21T10:00:00Z"),
                                                .start_time = at("2026-11-21T10:00:01Z")};
  const json encoded = encode_status(status);
  EXPECT_FALSE(encoded.contains("observedGeneration"));
  EXPECT_EQ(encoded["tasks"]["billDownload"]["active"],
            (json{{"runID", "m-download-bill-1"},
                  {"scheduledTime", "2026-11-21T10:00:00Z"},
                  {"startTime", "2026-11-21T10:00:01Z"}}));
  for (const char* task : {"sync", "billDownload", "retry", "unfreeze"}) {
    EXPECT_EQ(encoded["tasks"][task]["consecutiveFailures"], 0) << task;
  }
  EXPECT_EQ(encoded["ordersStuck"], 0);
  EXPECT_EQ(encoded["receiversFinallyFailed"], 0);
}

}  // namespace
}  // namespace orderops::api
