#include "kube/condition.h"

#include <regex>

#include "common/time_format.h"

namespace orderops::kube {

Status validate_condition(const Condition& c) {
  // Patterns and limits of apimachinery's metav1 validation (ValidateCondition).
  static const std::regex kType(
      R"(^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$)");
  static const std::regex kReason(R"(^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$)");
  if (c.type.empty() || c.type.size() > 316 || !std::regex_match(c.type, kType)) {
    return invalid("condition type \"" + c.type + "\" is not a qualified name");
  }
  if (c.status != kConditionTrue && c.status != kConditionFalse && c.status != kConditionUnknown) {
    return invalid("condition status \"" + c.status + "\": want True, False or Unknown");
  }
  if (c.reason.empty() || c.reason.size() > 1024 || !std::regex_match(c.reason, kReason)) {
    return invalid("condition reason \"" + c.reason + "\" is not CamelCase");
  }
  if (c.message.size() > 32768) return invalid("condition message longer than 32768 bytes");
  if (c.observed_generation < 0) return invalid("condition observedGeneration is negative");
  return {};
}

const Json* find_condition(const Json& conditions, std::string_view type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool set_condition(Json& conditions, const Condition& condition, SystemTime now) {
  if (!conditions.is_array()) conditions = Json::array();
  Json* existing = nullptr;
  for (auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == condition.type) existing = &c;
  }
  if (existing == nullptr) {
    conditions.push_back({{"type", condition.type},
                          {"status", condition.status},
                          {"observedGeneration", condition.observed_generation},
                          {"lastTransitionTime", format_rfc3339(now)},
                          {"reason", condition.reason},
                          {"message", condition.message}});
    return true;
  }
  const Json before = *existing;
  if (existing->value("status", "") != condition.status ||
      !existing->contains("lastTransitionTime")) {
    (*existing)["lastTransitionTime"] = format_rfc3339(now);
  }
  (*existing)["status"] = condition.status;
  (*existing)["reason"] = condition.reason;
  (*existing)["message"] = condition.message;
  (*existing)["observedGeneration"] = condition.observed_generation;
  return before != *existing;
}

}  // namespace orderops::kube
