// What the server knows about each resource it serves: the compiled-in built-ins (namespaces,
// configmaps, secrets, events, leases, CRDs) and the types that registered CRDs define. The
// Registry is the one mutable catalogue; it is thread-safe and hands out immutable snapshots.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace orderops::apiserver {

struct PrinterColumn {
  std::string name;
  std::string type;  // string, integer, number, boolean, date
  std::string format;
  std::string description;
  std::string json_path;
  int priority = 0;
};

struct ResourceType {
  std::string group;
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  std::string list_kind;
  bool namespaced = true;
  bool builtin = false;  // compiled-in kinds accept strategic merge patches
  bool status_subresource = false;
  bool allow_unconditional_update = false;  // PUT without resourceVersion
  bool allow_create_on_update = false;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<PrinterColumn> printer_columns;  // CRDs: additionalPrinterColumns
  nlohmann::json schema;                       // CRDs: openAPIV3Schema of this version
  std::string crd_name;                        // CRDs: the defining CRD
  // Set when another group stores the objects (events.k8s.io Events are core/v1 Events).
  std::string shared_storage_key;

  // Objects are stored once per group/resource, whatever version they are read in.
  std::string storage_key() const {
    return shared_storage_key.empty() ? group + "/" + plural : shared_storage_key;
  }
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

std::vector<ResourceType> builtin_types();
// One type per served version of a CustomResourceDefinition object.
std::vector<ResourceType> types_from_crd(const nlohmann::json& crd);
// Kubernetes version priority: v1 > v1beta2 > v1beta1 > v1alpha1 > other strings.
bool version_less_preferred(const std::string& a, const std::string& b);

class Registry {
 public:
  Registry();

  ResourceTypePtr find(const std::string& group, const std::string& version,
                       const std::string& plural) const;
  ResourceTypePtr find_kind(const std::string& group, const std::string& version,
                            const std::string& kind) const;
  // Replaces the types a CRD defines (empty: removes them).
  void set_crd_types(const std::string& crd_name, std::vector<ResourceType> types);
  std::vector<ResourceTypePtr> all() const;
  // Served versions of a group, preferred first.
  std::vector<std::string> versions_of(const std::string& group) const;
  // Non-core groups: built-ins in a fixed order, then CRD groups by name.
  std::vector<std::string> groups() const;

 private:
  mutable std::mutex mu_;
  std::vector<ResourceTypePtr> types_;
};

}  // namespace orderops::apiserver
