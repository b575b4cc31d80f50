// Label selectors (=, ==, !=, in, notin, exists, !key) and field selectors (=, ==, != over the
// fields a resource supports: metadata.name, metadata.namespace, and involvedObject.*, reason,
// type... for events) with the apiserver's parse errors. Immutable after parse; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "apiserver/resource_type.h"
#include "apiserver/status_error.h"

namespace orderops::apiserver {

class LabelSelector {
 public:
  static ApiResult<LabelSelector> parse(std::string_view text);
  bool matches(const nlohmann::json& object) const;
  bool empty() const { return requirements_.empty(); }

 private:
  struct Requirement {
    enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
    std::string key;
    Op op = Op::kEquals;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

class FieldSelector {
 public:
  // Rejects fields the resource does not support, as the apiserver does.
  static ApiResult<FieldSelector> parse(std::string_view text, const ResourceType& type);
  bool matches(const nlohmann::json& object) const;
  bool empty() const { return requirements_.empty(); }

 private:
  struct Requirement {
    std::string field;
    bool negate = false;
    std::string value;
  };
  std::vector<Requirement> requirements_;
  ResourceType type_;
};

// The value of a selectable field of an object ("" when absent).
std::string field_value(const ResourceType& type, const nlohmann::json& object,
                        const std::string& field);

}  // namespace orderops::apiserver
