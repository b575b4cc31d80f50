// Kubernetes objects as the client and the cache see them: raw JSON held in immutable shared
// snapshots (the cache keeps raw objects so a resource whose spec fails to decode can still get a
// status), plus accessors for the metadata every layer needs. Pure functions; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace orderops::kube {

using Json = nlohmann::json;
// A cached object: never mutated after it is published, shared by the cache and its readers.
using ObjectPtr = std::shared_ptr<const Json>;

// Identifies an object of one resource type: namespace (empty for cluster-scoped) and name.
struct ObjectKey {
  std::string ns;
  std::string name;

  // "namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).
  std::string to_string() const;
  static Result<ObjectKey> parse(std::string_view text);
  auto operator<=>(const ObjectKey&) const = default;
};

// Fields of metadata; missing fields read as empty / 0.
std::string name_of(const Json& object);
std::string namespace_of(const Json& object);
std::string resource_version_of(const Json& object);
std::string uid_of(const Json& object);
std::int64_t generation_of(const Json& object);
ObjectKey key_of(const Json& object);

// Reads a string at a JSON pointer such as "/metadata/name"; empty when absent or not a string.
std::string string_at(const Json& object, std::string_view pointer);

// Parses text as JSON without throwing; the error names `what`.
Result<Json> parse_json(std::string_view text, std::string_view what);

}  // namespace orderops::kube
