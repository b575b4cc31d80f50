#include "api/defaulting.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/object_meta.h"

namespace orderops::api {
namespace {

using nlohmann::json;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace

json default_json(const defaults::DefaultValue& entry) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::span<const std::string_view>>) {
          json array = json::array();
          for (const auto s : v) array.push_back(std::string(s));
          return array;
        } else if constexpr (std::is_same_v<T, std::string_view>) {
          return std::string(v);
        } else {
          return v;
        }
      },
      entry.value);
}

namespace {

void apply_one(json& object, const defaults::DefaultValue& entry) {
  const auto parts = split_path(entry.path);
  json* node = &object;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!node->is_object()) return;
    auto it = node->find(parts[i]);
    if (it == node->end() || it->is_null()) {
      if (entry.parent_must_exist) return;
      (*node)[parts[i]] = json::object();
    }
    node = &(*node)[parts[i]];
  }
  if (!node->is_object()) return;
  auto it = node->find(parts.back());
  if (it == node->end() || it->is_null()) (*node)[parts.back()] = default_json(entry);
}

}  // namespace

void apply_defaults(json& object, std::span<const defaults::DefaultValue> table) {
  for (const auto& entry : table) apply_one(object, entry);
}

bool apply_defaults(json& object) {
  if (!object.is_object()) return false;
  const auto kind = object.find("kind");
  if (kind == object.end() || !kind->is_string()) return false;
  if (*kind == kAftersalesTimeoutPolicyKind) {
    apply_defaults(object, defaults::aftersales_timeout_policy_defaults());
    return true;
  }
  if (*kind == kProfitShareScheduleKind) {
    apply_defaults(object, defaults::profit_share_schedule_defaults());
    return true;
  }
  return false;
}

}  // namespace orderops::api
