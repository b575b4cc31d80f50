#include "kube/resource.h"

namespace orderops::kube {

// Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict) on `"literal" + std::string`.

std::string ResourceType::api_version() const {
  if (group.empty()) return version;
  std::string out = group;
  out.append("/").append(version);
  return out;
}

std::string ResourceType::display() const {
  if (group.empty()) return plural;
  std::string out = plural;
  out.append(".").append(group);
  return out;
}

ResourceType lease_resource() { return {"coordination.k8s.io", "v1", "leases", "Lease", true}; }
ResourceType event_resource() { return {"", "v1", "events", "Event", true}; }
ResourceType secret_resource() { return {"", "v1", "secrets", "Secret", true}; }

std::string collection_path(const ResourceType& type, std::string_view ns) {
  std::string path;
  if (type.group.empty()) {
    path.append("/api/").append(type.version);
  } else {
    path.append("/apis/").append(type.group).append("/").append(type.version);
  }
  if (type.namespaced && !ns.empty()) path.append("/namespaces/").append(ns);
  path.append("/").append(type.plural);
  return path;
}

std::string object_path(const ResourceType& type, std::string_view ns, std::string_view name,
                        std::string_view subresource) {
  std::string path = collection_path(type, ns);
  path.append("/").append(name);
  if (!subresource.empty()) path.append("/").append(subresource);
  return path;
}

}  // namespace orderops::kube
