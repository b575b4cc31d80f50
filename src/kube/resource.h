// Resource types (group, version, plural, kind, scope) and the REST paths built from them. The kube
// module knows no OrderOps kinds: callers describe their CRDs with a ResourceType. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace orderops::kube {

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string plural;
  std::string kind;
  bool namespaced = true;

  // "v1" for the core group, "<group>/<version>" otherwise.
  std::string api_version() const;
  // "<plural>.<group>" (or "<plural>") as used in logs and Status messages.
  std::string display() const;
};

// Well-known built-in types the runtime needs.
ResourceType lease_resource();
ResourceType event_resource();
ResourceType secret_resource();

// "/api/v1/namespaces/<ns>/<plural>" or "/apis/<g>/<v>/<plural>" (all namespaces when ns is empty).
std::string collection_path(const ResourceType& type, std::string_view ns);
// The collection path plus "/<name>" and, when given, "/<subresource>".
std::string object_path(const ResourceType& type, std::string_view ns, std::string_view name,
                        std::string_view subresource = {});

}  // namespace orderops::kube
