// JSON codec of ProfitShareSchedule (api.md 1.3).
#include "api/codec.h"
#include "api/codec_internal.h"
#include "api/validation.h"

namespace orderops::api {

using nlohmann::json;

namespace {

void decode_timing(const JsonReader& r, TaskTiming& out) {
  r.read("enabled", out.enabled);
  r.read("schedule", out.schedule);
  r.read("startingDeadlineSeconds", out.starting_deadline_seconds);
  r.read("activeDeadlineSeconds", out.active_deadline_seconds);
}

void decode_tasks(const JsonReader& s, ProfitShareScheduleSpec& out) {
  const JsonReader sync = s.object("sync");
  decode_timing(sync, out.sync.timing);
  sync.read("timeoutHours", out.sync.timeout_hours);
  sync.read("batchSize", out.sync.batch_size);

  const JsonReader bill = s.object("billDownload");
  decode_timing(bill, out.bill_download.timing);
  bill.read("expireDays", out.bill_download.expire_days);
  bill.read("lookbackDays", out.bill_download.lookback_days);
  bill.read_enum("tarType", out.bill_download.tar_type, &parse_tar_type);
  bill.read("storagePath", out.bill_download.storage_path);

  const JsonReader retry = s.object("retry");
  decode_timing(retry, out.retry.timing);
  retry.read("maxRetry", out.retry.max_retry);
  retry.read("retryIntervalMinutes", out.retry.retry_interval_minutes);
  retry.read("lookbackDays", out.retry.lookback_days);
  retry.read("nonRetryableReasons", out.retry.non_retryable_reasons);

  const JsonReader unfreeze = s.object("unfreeze");
  decode_timing(unfreeze, out.unfreeze.timing);
  unfreeze.read("unfreezeHours", out.unfreeze.unfreeze_hours);
  unfreeze.read("force", out.unfreeze.force);
}

void decode_spec(const JsonReader& s, ProfitShareScheduleSpec& out) {
  const JsonReader merchant = s.object("merchant");
  merchant.read("mchId", out.merchant.mch_id);
  merchant.read("subMchId", out.merchant.sub_mch_id);
  codec::decode_secret_ref(merchant.object("credentialsSecretRef"),
                           out.merchant.credentials_secret_ref);
  s.read("endpoint", out.endpoint);
  if (s.has("caSecretRef")) {
    SecretKeySelector ca{.key = std::string(defaults::kCaSecretKey)};
    codec::decode_secret_key_selector(s.object("caSecretRef"), ca);
    out.ca_secret_ref = std::move(ca);
  }
  codec::decode_secret_key_selector(s.object("database").object("secretRef"),
                                    out.database.secret_ref);
  s.read("timeZone", out.time_zone);
  s.read("suspend", out.suspend);
  s.read("dryRun", out.dry_run);
  s.read_enum("concurrencyPolicy", out.concurrency_policy, &parse_concurrency_policy);
  s.read("requestsPerSecond", out.requests_per_second);
  s.read("maxConcurrentRequests", out.max_concurrent_requests);
  decode_tasks(s, out);
  const JsonReader alerts = s.object("alerts");
  alerts.read("consecutiveFailures", out.alerts.consecutive_failures);
  alerts.read("billDownloadFailures", out.alerts.bill_download_failures);
  s.read("successfulRunsHistoryLimit", out.successful_runs_history_limit);
  s.read("failedRunsHistoryLimit", out.failed_runs_history_limit);
}

void decode_status(const JsonReader& s, ProfitShareScheduleStatus& out) {
  s.read("observedGeneration", out.observed_generation);
  codec::decode_conditions(s, out.conditions);
  const JsonReader tasks = s.object("tasks");
  for (const Task task : kProfitShareTasks) {
    codec::decode_task_status(tasks.object(field_name(task)), task_status(out, task));
  }
  s.read("ordersStuck", out.orders_stuck);
  s.read("receiversFinallyFailed", out.receivers_finally_failed);
}

ProfitShareSchedule decode_into(const json& object, FieldErrors& errors) {
  ProfitShareSchedule out;
  const JsonReader root(object, "", errors);
  if (!object.is_object()) {
    errors.push_back({"<root>", "expected object, got " + std::string(json_type_name(object))});
    return out;
  }
  codec::check_type(root, kProfitShareScheduleKind);
  codec::decode_meta(root.object("metadata"), out.metadata);
  decode_spec(root.object("spec"), out.spec);
  decode_status(root.object("status"), out.status);
  return out;
}

json encode_timing(const TaskTiming& timing) {
  json out = json{{"enabled", timing.enabled}, {"schedule", timing.schedule}};
  if (timing.starting_deadline_seconds) {
    out["startingDeadlineSeconds"] = *timing.starting_deadline_seconds;
  }
  out["activeDeadlineSeconds"] = timing.active_deadline_seconds;
  return out;
}

json encode_tasks(const ProfitShareScheduleSpec& spec, json out) {
  json sync = encode_timing(spec.sync.timing);
  sync["timeoutHours"] = spec.sync.timeout_hours;
  sync["batchSize"] = spec.sync.batch_size;
  out["sync"] = std::move(sync);

  json bill = encode_timing(spec.bill_download.timing);
  bill["expireDays"] = spec.bill_download.expire_days;
  bill["lookbackDays"] = spec.bill_download.lookback_days;
  bill["tarType"] = to_string(spec.bill_download.tar_type);
  bill["storagePath"] = spec.bill_download.storage_path;
  out["billDownload"] = std::move(bill);

  json retry = encode_timing(spec.retry.timing);
  retry["maxRetry"] = spec.retry.max_retry;
  retry["retryIntervalMinutes"] = spec.retry.retry_interval_minutes;
  retry["lookbackDays"] = spec.retry.lookback_days;
  retry["nonRetryableReasons"] = spec.retry.non_retryable_reasons;
  out["retry"] = std::move(retry);

  json unfreeze = encode_timing(spec.unfreeze.timing);
  unfreeze["unfreezeHours"] = spec.unfreeze.unfreeze_hours;
  unfreeze["force"] = spec.unfreeze.force;
  out["unfreeze"] = std::move(unfreeze);
  return out;
}

json encode_spec(const ProfitShareScheduleSpec& spec) {
  json merchant =
      json{{"mchId", spec.merchant.mch_id},
           {"subMchId", spec.merchant.sub_mch_id},
           {"credentialsSecretRef", {{"name", spec.merchant.credentials_secret_ref.name}}}};
  json out = json::object();
  out["merchant"] = std::move(merchant);
  out["endpoint"] = spec.endpoint;
  if (spec.ca_secret_ref)
    out["caSecretRef"] = codec::encode_secret_key_selector(*spec.ca_secret_ref);
  out["database"] =
      json{{"secretRef", codec::encode_secret_key_selector(spec.database.secret_ref)}};
  out["timeZone"] = spec.time_zone;
  out["suspend"] = spec.suspend;
  out["dryRun"] = spec.dry_run;
  out["concurrencyPolicy"] = to_string(spec.concurrency_policy);
  out["requestsPerSecond"] = spec.requests_per_second;
  out["maxConcurrentRequests"] = spec.max_concurrent_requests;
  out = encode_tasks(spec, std::move(out));
  out["alerts"] = json{{"consecutiveFailures", spec.alerts.consecutive_failures},
                       {"billDownloadFailures", spec.alerts.bill_download_failures}};
  out["successfulRunsHistoryLimit"] = spec.successful_runs_history_limit;
  out["failedRunsHistoryLimit"] = spec.failed_runs_history_limit;
  return out;
}

}  // namespace

Result<ProfitShareSchedule> decode_profit_share_schedule(const json& object) {
  FieldErrors errors;
  auto out = decode_into(object, errors);
  return codec::finish(std::move(out), errors);
}

Result<ProfitShareSchedule> parse_profit_share_schedule(const json& object) {
  FieldErrors errors;
  auto out = decode_into(object, errors);
  codec::merge_validation(errors, validate(out));
  return codec::finish(std::move(out), errors);
}

json encode_status(const ProfitShareScheduleStatus& status, StatusWrite write) {
  const bool nulls = write == StatusWrite::kMergePatch;
  json out = codec::encode_status_head(status.observed_generation, status.conditions, nulls);
  json tasks = json::object();
  for (const Task task : kProfitShareTasks) {
    json t = json::object();
    codec::encode_task_status(task_status(status, task), t, nulls);
    tasks[std::string(field_name(task))] = std::move(t);
  }
  out["tasks"] = std::move(tasks);
  out["ordersStuck"] = status.orders_stuck;
  out["receiversFinallyFailed"] = status.receivers_finally_failed;
  return out;
}

json encode(const ProfitShareSchedule& resource) {
  return json{{"apiVersion", kApiVersion},
              {"kind", kProfitShareScheduleKind},
              {"metadata", codec::encode_meta(resource.metadata)},
              {"spec", encode_spec(resource.spec)},
              {"status", encode_status(resource.status)}};
}

}  // namespace orderops::api
