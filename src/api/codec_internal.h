// Pieces of the JSON codec shared by both kinds: metadata, conditions, secret references and
// the per-task run status. Internal to src/api. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/condition.h"
#include "api/json_reader.h"
#include "api/object_meta.h"
#include "api/run_status.h"
#include "api/scheduling.h"
#include "api/secret_ref.h"

namespace orderops::api::codec {

// apiVersion and kind, when present, must be ours.
void check_type(const JsonReader& root, std::string_view kind);
void decode_meta(const JsonReader& meta, ObjectMeta& out);
void decode_conditions(const JsonReader& status, std::vector<Condition>& out);
void decode_secret_ref(const JsonReader& ref, SecretReference& out);
void decode_secret_key_selector(const JsonReader& ref, SecretKeySelector& out);
// The fields of TaskStatus, read from `object` (status itself for an ATP, status.tasks.<t>).
void decode_task_status(const JsonReader& object, TaskStatus& out);
// The scheduling fields of api.md 1.1, read from the ATP spec.
void decode_scheduling(const JsonReader& spec, Scheduling& out);

nlohmann::json encode_meta(const ObjectMeta& meta);
nlohmann::json encode_conditions(const std::vector<Condition>& conditions);
// The start of every status: observedGeneration (null when absent and `nulls`) and conditions.
nlohmann::json encode_status_head(const std::optional<std::int64_t>& observed_generation,
                                  const std::vector<Condition>& conditions, bool nulls);
nlohmann::json encode_secret_key_selector(const SecretKeySelector& ref);
void encode_scheduling(const Scheduling& scheduling, nlohmann::json& spec);
// Adds the TaskStatus fields to `object`. `nulls`: write null for absent optionals (merge patch).
void encode_task_status(const TaskStatus& status, nlohmann::json& object, bool nulls);
void put_time(nlohmann::json& object, std::string_view key, const std::optional<SystemTime>& t,
              bool nulls);

// Turns collected field errors into the Result of a decode.
template <class T>
Result<T> finish(T value, const FieldErrors& errors) {
  if (!errors.empty()) return std::unexpected(to_error(errors));
  return value;
}

// Appends the validation errors whose path no decode error already covers (a field that failed
// to decode kept its default, which would otherwise be reported a second time, wrongly).
void merge_validation(FieldErrors& decode_errors, const FieldErrors& validation_errors);

}  // namespace orderops::api::codec
