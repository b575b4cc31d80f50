#include "api/defaults.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/codec.h"
#include "api/defaulting.h"
#include "api/yaml_json.h"

namespace orderops::api {
namespace {

using nlohmann::json;

json minimal(std::string_view kind) {
  json spec = {{"database", {{"secretRef", {{"name", "shop-db"}}}}}};
  if (kind == kProfitShareScheduleKind) {
    spec["merchant"] = {{"mchId", "1900009191"}, {"credentialsSecretRef", {{"name", "wp"}}}};
  }
  return json{{"apiVersion", "orderops.io/v1alpha1"},
              {"kind", kind},
              {"metadata", {{"name", "x"}}},
              {"spec", spec}};
}

// The values are spelled out from api.md here (not taken from defaults.h) so a wrong constant
// fails.
TEST(Defaults, AftersalesSpecStartsWithEveryApiDefault) {
  auto r = decode_aftersales_timeout_policy(minimal(kAftersalesTimeoutPolicyKind));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto& s = r->spec;
  EXPECT_EQ(s.scheduling.schedule, "0 * * * *");
  EXPECT_EQ(s.scheduling.time_zone, "UTC");
  EXPECT_FALSE(s.scheduling.suspend);
  EXPECT_EQ(s.scheduling.concurrency_policy, ConcurrencyPolicy::kForbid);
  EXPECT_FALSE(s.scheduling.starting_deadline_seconds.has_value());
  EXPECT_EQ(s.scheduling.active_deadline_seconds, 300);
  EXPECT_FALSE(s.dry_run);
  EXPECT_EQ(s.batch_size, 100);
  EXPECT_EQ(s.parallelism, 1);
  EXPECT_EQ(s.max_records_per_run, 0);
  EXPECT_EQ(s.database.secret_ref.key, "uri");
  EXPECT_EQ(s.database.table, "order_aftersales");
  EXPECT_EQ(s.database.log_table, "order_aftersales_logs");
  EXPECT_EQ(s.database.notify_channel, "");
  EXPECT_TRUE(s.timeouts.pending_approval.enabled);
  EXPECT_EQ(s.timeouts.pending_approval.after, "72h");
  EXPECT_TRUE(s.timeouts.pending_return.enabled);
  EXPECT_EQ(s.timeouts.pending_return.after, "168h");
  EXPECT_TRUE(s.timeouts.pending_receive.enabled);
  EXPECT_EQ(s.timeouts.pending_receive.after, "72h");
  EXPECT_TRUE(s.timeouts.fill_missing_deadlines);
  EXPECT_EQ(s.alerts.backlog_threshold, 1000);
  EXPECT_EQ(s.alerts.consecutive_failures, 3);
  EXPECT_EQ(s.successful_runs_history_limit, 3);
  EXPECT_EQ(s.failed_runs_history_limit, 3);
}

TEST(Defaults, ProfitShareSpecStartsWithEveryApiDefault) {
  auto r = decode_profit_share_schedule(minimal(kProfitShareScheduleKind));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto& s = r->spec;
  EXPECT_EQ(s.merchant.sub_mch_id, "");
  EXPECT_EQ(s.endpoint, "https://api.mch.weixin.qq.com");
  EXPECT_FALSE(s.ca_secret_ref.has_value());
  EXPECT_EQ(s.database.secret_ref.key, "uri");
  EXPECT_EQ(s.time_zone, "UTC");
  EXPECT_FALSE(s.suspend);
  EXPECT_FALSE(s.dry_run);
  EXPECT_EQ(s.concurrency_policy, ConcurrencyPolicy::kForbid);
  EXPECT_EQ(s.requests_per_second, 20);
  EXPECT_EQ(s.max_concurrent_requests, 8);
  EXPECT_TRUE(s.sync.timing.enabled);
  EXPECT_EQ(s.sync.timing.schedule, "*/5 * * * *");
  EXPECT_EQ(s.sync.timing.active_deadline_seconds, 240);
  EXPECT_FALSE(s.sync.timing.starting_deadline_seconds.has_value());
  EXPECT_EQ(s.sync.timeout_hours, 24);
  EXPECT_EQ(s.sync.batch_size, 100);
  EXPECT_TRUE(s.bill_download.timing.enabled);
  EXPECT_EQ(s.bill_download.timing.schedule, "0 * * * *");
  EXPECT_EQ(s.bill_download.timing.active_deadline_seconds, 300);
  EXPECT_EQ(s.bill_download.expire_days, 7);
  EXPECT_EQ(s.bill_download.lookback_days, 3);
  EXPECT_EQ(s.bill_download.tar_type, TarType::kGzip);
  EXPECT_EQ(s.bill_download.storage_path, "/var/lib/orderops/bills");
  EXPECT_TRUE(s.retry.timing.enabled);
  EXPECT_EQ(s.retry.timing.schedule, "*/30 * * * *");
  EXPECT_EQ(s.retry.timing.active_deadline_seconds, 300);
  EXPECT_EQ(s.retry.max_retry, 3);
  EXPECT_EQ(s.retry.retry_interval_minutes, 30);
  EXPECT_EQ(s.retry.lookback_days, 7);
  EXPECT_EQ(s.retry.non_retryable_reasons,
            (std::vector<std::string>{"RECEIVER_HIGH_RISK", "RECEIVER_REAL_NAME_NOT_VERIFIED",
                                      "INVALID_REQUEST"}));
  EXPECT_TRUE(s.unfreeze.timing.enabled);
  EXPECT_EQ(s.unfreeze.timing.schedule, "0 */2 * * *");
  EXPECT_EQ(s.unfreeze.timing.active_deadline_seconds, 300);
  EXPECT_EQ(s.unfreeze.unfreeze_hours, 48);
  EXPECT_FALSE(s.unfreeze.force);
  EXPECT_EQ(s.alerts.consecutive_failures, 3);
  EXPECT_EQ(s.alerts.bill_download_failures, 3);
  EXPECT_EQ(s.successful_runs_history_limit, 3);
  EXPECT_EQ(s.failed_runs_history_limit, 3);
}

// Walks a dotted path; nullptr when absent.
const json* find_path(const json& object, std::string_view path) {
  const json* node = &object;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part(
        path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

// The JSON table, the struct initialisers and the encoder agree: defaulting the JSON first
// changes nothing, and the encoded spec carries every table entry with its value.
void expect_table_matches_structs(std::string_view kind,
                                  std::span<const defaults::DefaultValue> table) {
  SCOPED_TRACE(std::string(kind));
  json bare = minimal(kind);
  // Give optional parents a presence so their defaulted children are compared too.
  if (kind == kProfitShareScheduleKind) bare["spec"]["caSecretRef"] = {{"name", "ca"}};
  json defaulted = bare;
  ASSERT_TRUE(apply_defaults(defaulted));
  json encoded_bare;
  json encoded_defaulted;
  if (kind == kAftersalesTimeoutPolicyKind) {
    encoded_bare = encode(*decode_aftersales_timeout_policy(bare));
    encoded_defaulted = encode(*decode_aftersales_timeout_policy(defaulted));
  } else {
    encoded_bare = encode(*decode_profit_share_schedule(bare));
    encoded_defaulted = encode(*decode_profit_share_schedule(defaulted));
  }
  EXPECT_EQ(encoded_bare, encoded_defaulted);
  for (const auto& entry : table) {
    const json* from_table = find_path(defaulted, entry.path);
    const json* from_struct = find_path(encoded_bare, entry.path);
    ASSERT_NE(from_table, nullptr) << entry.path;
    ASSERT_NE(from_struct, nullptr) << entry.path;
    EXPECT_EQ(*from_table, *from_struct) << entry.path;
  }
}

TEST(Defaults, TableMatchesStructInitialisers) {
  expect_table_matches_structs(kAftersalesTimeoutPolicyKind,
                               defaults::aftersales_timeout_policy_defaults());
  expect_table_matches_structs(kProfitShareScheduleKind,
                               defaults::profit_share_schedule_defaults());
}

TEST(Defaults, ApplyDefaultsKeepsGivenValuesAndFillsNulls) {
  json object = minimal(kAftersalesTimeoutPolicyKind);
  object["spec"]["batchSize"] = 7;
  object["spec"]["parallelism"] = nullptr;
  object["spec"]["timeouts"] = {{"pendingReturn", {{"after", "1h"}}}};
  ASSERT_TRUE(apply_defaults(object));
  EXPECT_EQ(object["spec"]["batchSize"], 7);
  EXPECT_EQ(object["spec"]["parallelism"], 1);
  EXPECT_EQ(object["spec"]["timeouts"]["pendingReturn"]["after"], "1h");
  EXPECT_EQ(object["spec"]["timeouts"]["pendingReturn"]["enabled"], true);
  EXPECT_EQ(object["spec"]["timeouts"]["pendingApproval"]["after"], "72h");
  EXPECT_EQ(object["spec"]["database"]["secretRef"]["key"], "uri");
}

TEST(Defaults, OptionalParentsAreNotCreated) {
  json object = minimal(kProfitShareScheduleKind);
  object["spec"].erase("database");
  ASSERT_TRUE(apply_defaults(object));
  EXPECT_FALSE(object["spec"].contains("caSecretRef"));
  EXPECT_FALSE(object["spec"].contains("database"));

  object = minimal(kProfitShareScheduleKind);
  object["spec"]["caSecretRef"] = {{"name", "ca"}};
  ASSERT_TRUE(apply_defaults(object));
  EXPECT_EQ(object["spec"]["caSecretRef"]["key"], "ca.crt");
}

TEST(Defaults, OtherKindsAreUntouched) {
  json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"data", json::object()}};
  const json before = secret;
  EXPECT_FALSE(apply_defaults(secret));
  EXPECT_EQ(secret, before);
}

// Collects the leaf defaults of a CRD's spec schema as dotted paths.
void collect_defaults(const json& schema, const std::string& path,
                      std::map<std::string, json>& out) {
  if (schema.contains("default") && !schema["default"].is_object()) out[path] = schema["default"];
  if (schema.contains("properties")) {
    for (const auto& [name, child] : schema["properties"].items()) {
      collect_defaults(child, path + "." + name, out);
    }
  }
}

std::map<std::string, json> crd_spec_defaults(const std::string& file) {
  const char* root = std::getenv("ORDEROPS_SOURCE_DIR");
  const std::filesystem::path path = std::filesystem::path(root ? root : ".") / "crds" / file;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  auto docs = yaml_documents_to_json(text.str(), path.string());
  EXPECT_TRUE(docs.has_value()) << docs.error().message;
  std::map<std::string, json> out;
  if (!docs || docs->empty()) return out;
  const json& schema = (*docs)[0]["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
  collect_defaults(schema["properties"]["spec"], "spec", out);
  return out;
}

void expect_crd_matches(const std::string& file, std::span<const defaults::DefaultValue> table) {
  SCOPED_TRACE(file);
  auto crd = crd_spec_defaults(file);
  ASSERT_FALSE(crd.empty());
  for (const auto& entry : table) {
    const auto it = crd.find(std::string(entry.path));
    if (it == crd.end()) {
      ADD_FAILURE() << entry.path << " has no default in " << file;
      continue;
    }
    EXPECT_EQ(it->second, default_json(entry)) << entry.path;
    crd.erase(it);
  }
  for (const auto& [path, value] : crd) {
    ADD_FAILURE() << file << " defaults " << path << " = " << value.dump()
                  << " but defaults.h does not";
  }
}

TEST(Defaults, CrdSchemasCarryTheSameDefaults) {
  expect_crd_matches("orderops.io_aftersalestimeoutpolicies.yaml",
                     defaults::aftersales_timeout_policy_defaults());
  expect_crd_matches("orderops.io_profitshareschedules.yaml",
                     defaults::profit_share_schedule_defaults());
}

}  // namespace
}  // namespace orderops::api
