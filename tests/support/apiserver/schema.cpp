#include "apiserver/schema.h"

#include <algorithm>
#include <array>

namespace orderops::apiserver {

using nlohmann::json;

namespace {

bool flag(const json& schema, const char* name) {
  return schema.is_object() && schema.contains(name) && schema[name].is_boolean() &&
         schema[name].get<bool>();
}

std::string join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

void prune(json& value, const json& schema, const std::string& path,
           std::vector<std::string>& removed);

void prune_metadata(json& meta, const std::string& path, std::vector<std::string>& removed) {
  if (!meta.is_object()) return;
  for (auto it = meta.begin(); it != meta.end();) {
    if (!is_object_meta_field(it.key())) {
      removed.push_back(join(path, it.key()));
      it = meta.erase(it);
    } else {
      ++it;
    }
  }
}

void prune_object_fields(json& value, const json& schema, const std::string& path,
                         std::vector<std::string>& removed, bool embedded) {
  const json props = schema.value("properties", json::object());
  const bool preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
  const json* additional = nullptr;
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    additional = &schema["additionalProperties"];
  }
  for (auto it = value.begin(); it != value.end();) {
    const std::string& key = it.key();
    const std::string child = join(path, key);
    if (embedded && (key == "apiVersion" || key == "kind")) {
      ++it;
    } else if (embedded && key == "metadata") {
      prune_metadata(it.value(), child, removed);
      ++it;
    } else if (props.contains(key)) {
      prune(it.value(), props[key], child, removed);
      ++it;
    } else if (additional) {
      prune(it.value(), *additional, child, removed);
      ++it;
    } else if (preserve || (schema.contains("additionalProperties") &&
                            schema["additionalProperties"] == true)) {
      ++it;
    } else {
      removed.push_back(child);
      it = value.erase(it);
    }
  }
}

void prune(json& value, const json& schema, const std::string& path,
           std::vector<std::string>& removed) {
  if (!schema.is_object() || flag(schema, "x-kubernetes-int-or-string")) return;
  if (value.is_object()) {
    const bool embedded = flag(schema, "x-kubernetes-embedded-resource");
    if (schema.contains("properties") || schema.contains("additionalProperties") ||
        schema.value("type", "") == "object" || embedded) {
      prune_object_fields(value, schema, path, removed, embedded);
    }
  } else if (value.is_array() && schema.contains("items") && schema["items"].is_object()) {
    for (size_t i = 0; i < value.size(); ++i) {
      prune(value[i], schema["items"], path + "[" + std::to_string(i) + "]", removed);
    }
  }
}

void default_value(json& value, const json& schema) {
  if (!schema.is_object()) return;
  if (value.is_object()) {
    if (schema.contains("properties")) {
      for (const auto& [key, prop] : schema["properties"].items()) {
        const bool nullable = flag(prop, "nullable");
        if (value.contains(key) && value[key].is_null() && !nullable) value.erase(key);
        if (!value.contains(key) && prop.is_object() && prop.contains("default")) {
          value[key] = prop["default"];
        }
        if (value.contains(key)) default_value(value[key], prop);
      }
    }
    if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
      const json& add = schema["additionalProperties"];
      const json props = schema.value("properties", json::object());
      for (auto& [key, v] : value.items()) {
        if (!props.contains(key)) default_value(v, add);
      }
    }
  } else if (value.is_array() && schema.contains("items")) {
    for (auto& item : value) default_value(item, schema["items"]);
  }
}

}  // namespace

bool is_object_meta_field(const std::string& name) {
  static constexpr std::array<const char*, 15> kFields = {"name",
                                                          "generateName",
                                                          "namespace",
                                                          "selfLink",
                                                          "uid",
                                                          "resourceVersion",
                                                          "generation",
                                                          "creationTimestamp",
                                                          "deletionTimestamp",
                                                          "deletionGracePeriodSeconds",
                                                          "labels",
                                                          "annotations",
                                                          "ownerReferences",
                                                          "finalizers",
                                                          "managedFields"};
  return std::any_of(kFields.begin(), kFields.end(), [&](const char* f) { return name == f; });
}

std::vector<std::string> prune_object(json& object, const json& schema) {
  std::vector<std::string> removed;
  if (!object.is_object()) return removed;
  json root_schema = schema.is_object() ? schema : json::object();
  // The root of a custom resource is always an embedded resource.
  root_schema["x-kubernetes-embedded-resource"] = true;
  prune_object_fields(object, root_schema, "", removed, true);
  return removed;
}

void apply_defaults(json& object, const json& schema) { default_value(object, schema); }

}  // namespace orderops::apiserver
