// metav1.Condition and the helpers controllers use on a conditions list (apimachinery's
// meta.SetStatusCondition semantics: lastTransitionTime moves only when status flips). Pure;
// thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "common/clock.h"
#include "common/error.h"

namespace orderops::api {

enum class ConditionStatus { kTrue, kFalse, kUnknown };

std::string_view to_string(ConditionStatus status);  // "True", "False", "Unknown"
Result<ConditionStatus> parse_condition_status(std::string_view text);

struct Condition {
  std::string type;
  ConditionStatus status = ConditionStatus::kUnknown;
  std::optional<std::int64_t> observed_generation;
  // Whole seconds (metav1.Time). SystemTime{} means "unset": set_condition fills it with now.
  SystemTime last_transition_time{};
  std::string reason;
  std::string message;

  bool operator==(const Condition&) const = default;
};

// The condition of `type`, or nullptr. Types compare exactly, as the API server keys the list.
const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type);
Condition* find_condition(std::vector<Condition>& conditions, std::string_view type);

// Adds or updates the condition of `condition.type`. A new condition, or a status change, takes
// condition.last_transition_time when set, else `now` truncated to whole seconds; otherwise the
// existing lastTransitionTime is kept. reason, message and observedGeneration are always
// overwritten. Returns true when anything changed (so the caller knows a status write is due).
bool set_condition(std::vector<Condition>& conditions, Condition condition, SystemTime now);

// Removes the condition of `type`; returns true when there was one.
bool remove_condition(std::vector<Condition>& conditions, std::string_view type);

// True when the condition exists with status True; a missing condition counts as Unknown.
bool is_condition_true(const std::vector<Condition>& conditions, std::string_view type);

// metav1.Condition validation rules (type and reason patterns and lengths, message length,
// observedGeneration >= 0, lastTransitionTime set). `path` prefixes the field errors, e.g.
// "status.conditions[0]".
FieldErrors validate_condition(const Condition& condition, std::string_view path);
// Each condition, plus no duplicate types.
FieldErrors validate_conditions(const std::vector<Condition>& conditions, std::string_view path);

bool is_valid_condition_type(std::string_view type);
bool is_valid_condition_reason(std::string_view reason);

}  // namespace orderops::api
