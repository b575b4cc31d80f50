#include "apiserver/resource_type.h"

#include <algorithm>
#include <regex>
#include <set>

namespace orderops::apiserver {

using nlohmann::json;

namespace {

ResourceType builtin(std::string group, std::string version, std::string plural,
                     std::string singular, std::string kind, bool namespaced,
                     std::vector<std::string> short_names) {
  ResourceType t;
  t.group = std::move(group);
  t.version = std::move(version);
  t.plural = std::move(plural);
  t.singular = std::move(singular);
  t.kind = kind;
  t.list_kind = kind + "List";
  t.namespaced = namespaced;
  t.builtin = true;
  t.allow_unconditional_update = true;
  t.short_names = std::move(short_names);
  return t;
}

std::vector<std::string> string_list(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses "v<major>[alpha|beta<minor>]"; kind 2 = GA, 1 = beta, 0 = alpha, -1 = not a kube version.
std::tuple<int, int, int> version_rank(const std::string& v) {
  static const std::regex kPattern("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$");
  std::smatch m;
  if (!std::regex_match(v, m, kPattern)) return {-1, 0, 0};
  const int major = std::stoi(m[1]);
  if (!m[2].matched) return {2, major, 0};
  return {m[2] == "beta" ? 1 : 0, major, std::stoi(m[3])};
}

}  // namespace

bool version_less_preferred(const std::string& a, const std::string& b) {
  const auto ra = version_rank(a);
  const auto rb = version_rank(b);
  if (std::get<0>(ra) == -1 && std::get<0>(rb) == -1) return a > b;
  return ra < rb;
}

std::vector<ResourceType> builtin_types() {
  std::vector<ResourceType> out;
  ResourceType ns = builtin("", "v1", "namespaces", "namespace", "Namespace", false, {"ns"});
  ns.status_subresource = true;
  out.push_back(ns);
  out.push_back(builtin("", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}));
  out.push_back(builtin("", "v1", "secrets", "secret", "Secret", true, {}));
  ResourceType ev = builtin("", "v1", "events", "event", "Event", true, {"ev"});
  ev.allow_create_on_update = true;
  out.push_back(ev);
  out.push_back(builtin("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, {}));
  ResourceType ev2 = builtin("events.k8s.io", "v1", "events", "event", "Event", true, {"ev"});
  ev2.allow_create_on_update = true;
  ev2.shared_storage_key = "/events";
  out.push_back(ev2);
  ResourceType crd =
      builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
              "CustomResourceDefinition", false, {"crd", "crds"});
  crd.status_subresource = true;
  crd.categories = {"api-extensions"};
  out.push_back(crd);
  return out;
}

std::vector<ResourceType> types_from_crd(const json& crd) {
  std::vector<ResourceType> out;
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  for (const auto& v : spec.value("versions", json::array())) {
    if (!v.value("served", false)) continue;
    ResourceType t;
    t.group = spec.value("group", "");
    t.version = v.value("name", "");
    t.plural = names.value("plural", "");
    t.kind = names.value("kind", "");
    t.singular = names.value("singular", lower(t.kind));
    t.list_kind = names.value("listKind", t.kind + "List");
    t.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    t.short_names = string_list(names.value("shortNames", json::array()));
    t.categories = string_list(names.value("categories", json::array()));
    t.status_subresource = v.contains("subresources") && v["subresources"].contains("status");
    t.crd_name = crd["metadata"].value("name", "");
    if (v.contains("schema")) t.schema = v["schema"].value("openAPIV3Schema", json());
    for (const auto& c : v.value("additionalPrinterColumns", json::array())) {
      t.printer_columns.push_back(PrinterColumn{c.value("name", ""), c.value("type", "string"),
                                                c.value("format", ""), c.value("description", ""),
                                                c.value("jsonPath", ""), c.value("priority", 0)});
    }
    out.push_back(std::move(t));
  }
  return out;
}

Registry::Registry() {
  for (auto& t : builtin_types()) types_.push_back(std::make_shared<const ResourceType>(t));
}

ResourceTypePtr Registry::find(const std::string& group, const std::string& version,
                               const std::string& plural) const {
  std::lock_guard lock(mu_);
  for (const auto& t : types_) {
    if (t->group == group && t->version == version && t->plural == plural) return t;
  }
  return nullptr;
}

ResourceTypePtr Registry::find_kind(const std::string& group, const std::string& version,
                                    const std::string& kind) const {
  std::lock_guard lock(mu_);
  for (const auto& t : types_) {
    if (t->group == group && t->version == version && t->kind == kind) return t;
  }
  return nullptr;
}

void Registry::set_crd_types(const std::string& crd_name, std::vector<ResourceType> types) {
  std::lock_guard lock(mu_);
  std::erase_if(types_, [&](const ResourceTypePtr& t) { return t->crd_name == crd_name; });
  for (auto& t : types) types_.push_back(std::make_shared<const ResourceType>(std::move(t)));
}

std::vector<ResourceTypePtr> Registry::all() const {
  std::lock_guard lock(mu_);
  return types_;
}

std::vector<std::string> Registry::versions_of(const std::string& group) const {
  std::set<std::string> versions;
  for (const auto& t : all()) {
    if (t->group == group) versions.insert(t->version);
  }
  std::vector<std::string> out(versions.begin(), versions.end());
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return version_less_preferred(b, a); });
  return out;
}

std::vector<std::string> Registry::groups() const {
  const std::vector<std::string> fixed = {"apiextensions.k8s.io", "coordination.k8s.io",
                                          "events.k8s.io"};
  std::set<std::string> custom;
  for (const auto& t : all()) {
    if (!t->group.empty() && std::find(fixed.begin(), fixed.end(), t->group) == fixed.end()) {
      custom.insert(t->group);
    }
  }
  std::vector<std::string> out = fixed;
  out.insert(out.end(), custom.begin(), custom.end());
  return out;
}

}  // namespace orderops::apiserver
