#include "api/condition.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

namespace orderops::api {
namespace {

// Limits of apimachinery's metav1.Condition validation.
constexpr size_t kMaxTypeLength = 316;
constexpr size_t kMaxReasonLength = 1024;
constexpr size_t kMaxMessageLength = 32768;

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*
bool is_dns_subdomain_pattern(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view label =
        s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) {
      return false;
    }
    for (const char c : label) {
      if (!is_lower_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_name_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

SystemTime whole_seconds(SystemTime t) { return std::chrono::floor<std::chrono::seconds>(t); }

}  // namespace

std::string_view to_string(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      break;
  }
  return "Unknown";
}

Result<ConditionStatus> parse_condition_status(std::string_view text) {
  for (const auto s :
       {ConditionStatus::kTrue, ConditionStatus::kFalse, ConditionStatus::kUnknown}) {
    if (to_string(s) == text) return s;
  }
  return invalid(quote(text) + ": must be one of True, False, Unknown");
}

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type) {
  const auto it = std::find_if(conditions.begin(), conditions.end(),
                               [&](const Condition& c) { return c.type == type; });
  return it == conditions.end() ? nullptr : &*it;
}

Condition* find_condition(std::vector<Condition>& conditions, std::string_view type) {
  return const_cast<Condition*>(find_condition(std::as_const(conditions), type));
}

bool set_condition(std::vector<Condition>& conditions, Condition condition, SystemTime now) {
  const SystemTime transition = condition.last_transition_time == SystemTime{}
                                    ? whole_seconds(now)
                                    : whole_seconds(condition.last_transition_time);
  Condition* existing = find_condition(conditions, condition.type);
  if (existing == nullptr) {
    condition.last_transition_time = transition;
    conditions.push_back(std::move(condition));
    return true;
  }
  bool changed = false;
  if (existing->status != condition.status) {
    existing->status = condition.status;
    existing->last_transition_time = transition;
    changed = true;
  }
  if (existing->reason != condition.reason) {
    existing->reason = std::move(condition.reason);
    changed = true;
  }
  if (existing->message != condition.message) {
    existing->message = std::move(condition.message);
    changed = true;
  }
  if (existing->observed_generation != condition.observed_generation) {
    existing->observed_generation = condition.observed_generation;
    changed = true;
  }
  return changed;
}

bool remove_condition(std::vector<Condition>& conditions, std::string_view type) {
  return std::erase_if(conditions, [&](const Condition& c) { return c.type == type; }) > 0;
}

bool is_condition_true(const std::vector<Condition>& conditions, std::string_view type) {
  const Condition* c = find_condition(conditions, type);
  return c != nullptr && c->status == ConditionStatus::kTrue;
}

bool is_valid_condition_type(std::string_view type) {
  if (type.empty() || type.size() > kMaxTypeLength) return false;
  const size_t slash = type.find('/');
  if (slash == std::string_view::npos) return is_qualified_name_part(type);
  return is_dns_subdomain_pattern(type.substr(0, slash)) &&
         is_qualified_name_part(type.substr(slash + 1));
}

// ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$
bool is_valid_condition_reason(std::string_view reason) {
  if (reason.empty() || reason.size() > kMaxReasonLength) return false;
  if (!std::isalpha(static_cast<unsigned char>(reason.front()))) return false;
  const char last = reason.back();
  if (reason.size() > 1 && !(is_alnum(last) || last == '_')) return false;
  return std::all_of(reason.begin(), reason.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == ',' || c == ':'; });
}

FieldErrors validate_condition(const Condition& condition, std::string_view path) {
  FieldErrors errors;
  const std::string p(path);
  if (condition.type.empty()) {
    errors.push_back({p + ".type", "required"});
  } else if (!is_valid_condition_type(condition.type)) {
    errors.push_back({p + ".type", quote(condition.type) +
                                       ": must be a qualified name of at most 316 characters "
                                       "(CamelCase, like Ready)"});
  }
  if (condition.reason.empty()) {
    errors.push_back({p + ".reason", "required"});
  } else if (!is_valid_condition_reason(condition.reason)) {
    errors.push_back({p + ".reason", quote(condition.reason) +
                                         ": must be one CamelCase word matching "
                                         "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$, at most 1024 "
                                         "characters"});
  }
  if (condition.message.size() > kMaxMessageLength) {
    errors.push_back({p + ".message", "must be at most 32768 characters"});
  }
  if (condition.observed_generation && *condition.observed_generation < 0) {
    errors.push_back({p + ".observedGeneration",
                      std::to_string(*condition.observed_generation) + ": must be >= 0"});
  }
  if (condition.last_transition_time == SystemTime{}) {
    errors.push_back({p + ".lastTransitionTime", "required"});
  }
  return errors;
}

FieldErrors validate_conditions(const std::vector<Condition>& conditions, std::string_view path) {
  FieldErrors errors;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < conditions.size(); ++i) {
    const std::string item = std::string(path) + "[" + std::to_string(i) + "]";
    auto more = validate_condition(conditions[i], item);
    errors.insert(errors.end(), more.begin(), more.end());
    if (!seen.insert(conditions[i].type).second) {
      errors.push_back({item + ".type", quote(conditions[i].type) + ": duplicate condition type"});
    }
  }
  return errors;
}

}  // namespace orderops::api
