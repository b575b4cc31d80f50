#include "api/codec_internal.h"

#include <algorithm>

#include "api/enums.h"
#include "common/time_format.h"

namespace orderops::api::codec {

using nlohmann::json;

void check_type(const JsonReader& root, std::string_view kind) {
  std::string api_version;
  std::string actual_kind;
  root.read("apiVersion", api_version);
  root.read("kind", actual_kind);
  if (!api_version.empty() && api_version != kApiVersion) {
    root.error("apiVersion", quote(api_version) + ": expected " + std::string(kApiVersion));
  }
  if (!actual_kind.empty() && actual_kind != kind) {
    root.error("kind", quote(actual_kind) + ": expected " + std::string(kind));
  }
}

void decode_meta(const JsonReader& meta, ObjectMeta& out) {
  meta.read("name", out.name);
  meta.read("namespace", out.namespace_name);
  meta.read("uid", out.uid);
  meta.read("resourceVersion", out.resource_version);
  meta.read("generation", out.generation);
  meta.read("creationTimestamp", out.creation_timestamp);
  meta.read("labels", out.labels);
  meta.read("annotations", out.annotations);
  meta.read("deletionTimestamp", out.deletion_timestamp);
}

void decode_conditions(const JsonReader& status, std::vector<Condition>& out) {
  if (!status.has("conditions")) return;
  out.clear();
  status.each_object("conditions", [&](const JsonReader& item) {
    Condition c;
    item.read("type", c.type);
    item.read_enum("status", c.status, &parse_condition_status);
    item.read("observedGeneration", c.observed_generation);
    item.read("lastTransitionTime", c.last_transition_time);
    item.read("reason", c.reason);
    item.read("message", c.message);
    out.push_back(std::move(c));
  });
}

void decode_secret_ref(const JsonReader& ref, SecretReference& out) { ref.read("name", out.name); }

void decode_secret_key_selector(const JsonReader& ref, SecretKeySelector& out) {
  ref.read("name", out.name);
  ref.read("key", out.key);
}

void decode_scheduling(const JsonReader& spec, Scheduling& out) {
  spec.read("schedule", out.schedule);
  spec.read("timeZone", out.time_zone);
  spec.read("suspend", out.suspend);
  spec.read_enum("concurrencyPolicy", out.concurrency_policy, &parse_concurrency_policy);
  spec.read("startingDeadlineSeconds", out.starting_deadline_seconds);
  spec.read("activeDeadlineSeconds", out.active_deadline_seconds);
}

namespace {

void decode_run_record(const JsonReader& r, RunRecord& out) {
  r.read("runID", out.run_id);
  r.read_enum("trigger", out.trigger, &parse_trigger);
  r.read("scheduledTime", out.scheduled_time);
  r.read("startTime", out.start_time);
  r.read("completionTime", out.completion_time);
  r.read_enum("outcome", out.outcome, &parse_outcome);
  r.read("dryRun", out.dry_run);
  r.read("message", out.message);
  r.read("counts", out.counts);
}

json encode_run_record(const RunRecord& run, bool nulls) {
  json out = json::object();
  out["runID"] = run.run_id;
  out["trigger"] = to_string(run.trigger);
  put_time(out, "scheduledTime", run.scheduled_time, nulls);
  out["startTime"] = format_rfc3339(run.start_time);
  put_time(out, "completionTime", run.completion_time, nulls);
  out["outcome"] = to_string(run.outcome);
  out["dryRun"] = run.dry_run;
  out["message"] = run.message;
  json counts = json::object();
  for (const auto& [k, v] : run.counts) counts[k] = v;
  out["counts"] = std::move(counts);
  return out;
}

}  // namespace

void decode_task_status(const JsonReader& object, TaskStatus& out) {
  object.read("lastScheduleTime", out.last_schedule_time);
  object.read("lastSuccessfulTime", out.last_successful_time);
  object.read("nextScheduleTime", out.next_schedule_time);
  if (object.has("active")) {
    const JsonReader a = object.object("active");
    ActiveRun active;
    a.read("runID", active.run_id);
    a.read("scheduledTime", active.scheduled_time);
    a.read("startTime", active.start_time);
    out.active = std::move(active);
  }
  object.read("consecutiveFailures", out.consecutive_failures);
  if (object.has("lastRun")) {
    RunRecord last;
    decode_run_record(object.object("lastRun"), last);
    out.last_run = std::move(last);
  }
  if (object.has("recentRuns")) {
    out.recent_runs.clear();
    object.each_object("recentRuns", [&](const JsonReader& item) {
      RunRecord run;
      decode_run_record(item, run);
      out.recent_runs.push_back(std::move(run));
    });
  }
  object.read("lastHandledRunNow", out.last_handled_run_now);
}

void put_time(json& object, std::string_view key, const std::optional<SystemTime>& t, bool nulls) {
  if (t) {
    object[std::string(key)] = format_rfc3339(*t);
  } else if (nulls) {
    object[std::string(key)] = nullptr;
  }
}

json encode_meta(const ObjectMeta& meta) {
  json out = json::object();
  out["name"] = meta.name;
  if (!meta.namespace_name.empty()) out["namespace"] = meta.namespace_name;
  if (!meta.uid.empty()) out["uid"] = meta.uid;
  if (!meta.resource_version.empty()) out["resourceVersion"] = meta.resource_version;
  if (meta.generation != 0) out["generation"] = meta.generation;
  put_time(out, "creationTimestamp", meta.creation_timestamp, false);
  if (!meta.labels.empty()) out["labels"] = meta.labels;
  if (!meta.annotations.empty()) out["annotations"] = meta.annotations;
  put_time(out, "deletionTimestamp", meta.deletion_timestamp, false);
  return out;
}

nlohmann::json encode_status_head(const std::optional<std::int64_t>& observed_generation,
                                  const std::vector<Condition>& conditions, bool nulls) {
  nlohmann::json out = nlohmann::json::object();
  if (observed_generation) {
    out["observedGeneration"] = *observed_generation;
  } else if (nulls) {
    out["observedGeneration"] = nullptr;
  }
  out["conditions"] = encode_conditions(conditions);
  return out;
}

json encode_conditions(const std::vector<Condition>& conditions) {
  json out = json::array();
  for (const auto& c : conditions) {
    json item = json::object();
    item["type"] = c.type;
    item["status"] = to_string(c.status);
    if (c.observed_generation) item["observedGeneration"] = *c.observed_generation;
    item["lastTransitionTime"] = format_rfc3339(c.last_transition_time);
    item["reason"] = c.reason;
    item["message"] = c.message;
    out.push_back(std::move(item));
  }
  return out;
}

json encode_secret_key_selector(const SecretKeySelector& ref) {
  return json{{"name", ref.name}, {"key", ref.key}};
}

void encode_scheduling(const Scheduling& scheduling, json& spec) {
  spec["schedule"] = scheduling.schedule;
  spec["timeZone"] = scheduling.time_zone;
  spec["suspend"] = scheduling.suspend;
  spec["concurrencyPolicy"] = to_string(scheduling.concurrency_policy);
  if (scheduling.starting_deadline_seconds) {
    spec["startingDeadlineSeconds"] = *scheduling.starting_deadline_seconds;
  }
  spec["activeDeadlineSeconds"] = scheduling.active_deadline_seconds;
}

void encode_task_status(const TaskStatus& status, json& object, bool nulls) {
  put_time(object, "lastScheduleTime", status.last_schedule_time, nulls);
  put_time(object, "lastSuccessfulTime", status.last_successful_time, nulls);
  put_time(object, "nextScheduleTime", status.next_schedule_time, nulls);
  if (status.active) {
    json active = json::object();
    active["runID"] = status.active->run_id;
    put_time(active, "scheduledTime", status.active->scheduled_time, nulls);
    active["startTime"] = format_rfc3339(status.active->start_time);
    object["active"] = std::move(active);
  } else if (nulls) {
    object["active"] = nullptr;
  }
  object["consecutiveFailures"] = status.consecutive_failures;
  if (status.last_run) {
    object["lastRun"] = encode_run_record(*status.last_run, nulls);
  } else if (nulls) {
    object["lastRun"] = nullptr;
  }
  // Array items are replaced whole by a merge patch: no nulls inside them.
  json recent = json::array();
  for (const auto& run : status.recent_runs) recent.push_back(encode_run_record(run, false));
  if (!status.recent_runs.empty()) {
    object["recentRuns"] = std::move(recent);
  } else if (nulls) {
    object["recentRuns"] = nullptr;
  }
  if (!status.last_handled_run_now.empty()) {
    object["lastHandledRunNow"] = status.last_handled_run_now;
  } else if (nulls) {
    object["lastHandledRunNow"] = nullptr;
  }
}

void merge_validation(FieldErrors& decode_errors, const FieldErrors& validation_errors) {
  const FieldErrors decoded = decode_errors;
  for (const auto& v : validation_errors) {
    const bool covered = std::any_of(decoded.begin(), decoded.end(), [&](const FieldError& d) {
      return v.path == d.path || v.path.starts_with(d.path + ".") ||
             v.path.starts_with(d.path + "[");
    });
    if (!covered) decode_errors.push_back(v);
  }
}

}  // namespace orderops::api::codec
