// metav1.Condition on raw status JSON, with apimachinery's meta.SetStatusCondition semantics:
// lastTransitionTime changes only when status flips; reason, message and observedGeneration are
// always overwritten. Validation follows the API's regexes and length limits. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "kube/object.h"

namespace orderops::kube {

inline constexpr std::string_view kConditionTrue = "True";
inline constexpr std::string_view kConditionFalse = "False";
inline constexpr std::string_view kConditionUnknown = "Unknown";

struct Condition {
  std::string type;
  std::string status;  // True, False or Unknown
  std::string reason;  // CamelCase
  std::string message;
  std::int64_t observed_generation = 0;
};

// type, status, reason and message against metav1.Condition validation.
Status validate_condition(const Condition& condition);

// Sets `condition` in `conditions` (a JSON array, created when null). Returns true when the array
// changed.
bool set_condition(Json& conditions, const Condition& condition, SystemTime now);

// The condition of that type, or nullptr.
const Json* find_condition(const Json& conditions, std::string_view type);

}  // namespace orderops::kube
