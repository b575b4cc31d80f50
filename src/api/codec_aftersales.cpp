// JSON codec of AftersalesTimeoutPolicy (api.md 1.2).
#include "api/codec.h"
#include "api/codec_internal.h"
#include "api/validation.h"

namespace orderops::api {

using nlohmann::json;

namespace {

void decode_timeout(const JsonReader& r, TimeoutRule& out) {
  r.read("enabled", out.enabled);
  r.read("after", out.after);
}

void decode_spec(const JsonReader& s, AftersalesTimeoutPolicySpec& out) {
  codec::decode_scheduling(s, out.scheduling);
  s.read("dryRun", out.dry_run);
  s.read("batchSize", out.batch_size);
  s.read("parallelism", out.parallelism);
  s.read("maxRecordsPerRun", out.max_records_per_run);
  const JsonReader db = s.object("database");
  codec::decode_secret_key_selector(db.object("secretRef"), out.database.secret_ref);
  db.read("table", out.database.table);
  db.read("logTable", out.database.log_table);
  db.read("notifyChannel", out.database.notify_channel);
  const JsonReader t = s.object("timeouts");
  decode_timeout(t.object("pendingApproval"), out.timeouts.pending_approval);
  decode_timeout(t.object("pendingReturn"), out.timeouts.pending_return);
  decode_timeout(t.object("pendingReceive"), out.timeouts.pending_receive);
  t.read("fillMissingDeadlines", out.timeouts.fill_missing_deadlines);
  const JsonReader a = s.object("alerts");
  a.read("backlogThreshold", out.alerts.backlog_threshold);
  a.read("consecutiveFailures", out.alerts.consecutive_failures);
  s.read("successfulRunsHistoryLimit", out.successful_runs_history_limit);
  s.read("failedRunsHistoryLimit", out.failed_runs_history_limit);
}

void decode_status(const JsonReader& s, AftersalesTimeoutPolicyStatus& out) {
  s.read("observedGeneration", out.observed_generation);
  codec::decode_conditions(s, out.conditions);
  codec::decode_task_status(s, out.task);
  if (s.has("backlog")) {
    const JsonReader b = s.object("backlog");
    AftersalesBacklog backlog;
    b.read("pendingApproval", backlog.pending_approval);
    b.read("pendingReturn", backlog.pending_return);
    b.read("pendingReceive", backlog.pending_receive);
    b.read("total", backlog.total);
    b.read("oldestOverdueSeconds", backlog.oldest_overdue_seconds);
    b.read("observedTime", backlog.observed_time);
    out.backlog = backlog;
  }
}

AftersalesTimeoutPolicy decode_into(const json& object, FieldErrors& errors) {
  AftersalesTimeoutPolicy out;
  const JsonReader root(object, "", errors);
  if (!object.is_object()) {
    errors.push_back({"<root>", "expected object, got " + std::string(json_type_name(object))});
    return out;
  }
  codec::check_type(root, kAftersalesTimeoutPolicyKind);
  codec::decode_meta(root.object("metadata"), out.metadata);
  decode_spec(root.object("spec"), out.spec);
  decode_status(root.object("status"), out.status);
  return out;
}

json encode_timeout(const TimeoutRule& rule) {
  return json{{"enabled", rule.enabled}, {"after", rule.after}};
}

json encode_spec(const AftersalesTimeoutPolicySpec& spec) {
  json out = json::object();
  codec::encode_scheduling(spec.scheduling, out);
  out["dryRun"] = spec.dry_run;
  out["batchSize"] = spec.batch_size;
  out["parallelism"] = spec.parallelism;
  out["maxRecordsPerRun"] = spec.max_records_per_run;
  out["database"] = json{{"secretRef", codec::encode_secret_key_selector(spec.database.secret_ref)},
                         {"table", spec.database.table},
                         {"logTable", spec.database.log_table},
                         {"notifyChannel", spec.database.notify_channel}};
  out["timeouts"] = json{{"pendingApproval", encode_timeout(spec.timeouts.pending_approval)},
                         {"pendingReturn", encode_timeout(spec.timeouts.pending_return)},
                         {"pendingReceive", encode_timeout(spec.timeouts.pending_receive)},
                         {"fillMissingDeadlines", spec.timeouts.fill_missing_deadlines}};
  out["alerts"] = json{{"backlogThreshold", spec.alerts.backlog_threshold},
                       {"consecutiveFailures", spec.alerts.consecutive_failures}};
  out["successfulRunsHistoryLimit"] = spec.successful_runs_history_limit;
  out["failedRunsHistoryLimit"] = spec.failed_runs_history_limit;
  return out;
}

}  // namespace

Result<AftersalesTimeoutPolicy> decode_aftersales_timeout_policy(const json& object) {
  FieldErrors errors;
  auto out = decode_into(object, errors);
  return codec::finish(std::move(out), errors);
}

Result<AftersalesTimeoutPolicy> parse_aftersales_timeout_policy(const json& object) {
  FieldErrors errors;
  auto out = decode_into(object, errors);
  codec::merge_validation(errors, validate(out));
  return codec::finish(std::move(out), errors);
}

json encode_status(const AftersalesTimeoutPolicyStatus& status, StatusWrite write) {
  const bool nulls = write == StatusWrite::kMergePatch;
  json out = codec::encode_status_head(status.observed_generation, status.conditions, nulls);
  codec::encode_task_status(status.task, out, nulls);
  if (status.backlog) {
    const AftersalesBacklog& b = *status.backlog;
    json backlog = json{{"pendingApproval", b.pending_approval},
                        {"pendingReturn", b.pending_return},
                        {"pendingReceive", b.pending_receive},
                        {"total", b.total},
                        {"oldestOverdueSeconds", b.oldest_overdue_seconds}};
    codec::put_time(backlog, "observedTime", b.observed_time, nulls);
    out["backlog"] = std::move(backlog);
  } else if (nulls) {
    out["backlog"] = nullptr;
  }
  return out;
}

json encode(const AftersalesTimeoutPolicy& resource) {
  return json{{"apiVersion", kApiVersion},
              {"kind", kAftersalesTimeoutPolicyKind},
              {"metadata", codec::encode_meta(resource.metadata)},
              {"spec", encode_spec(resource.spec)},
              {"status", encode_status(resource.status)}};
}

}  // namespace orderops::api
