// Side effects of CustomResourceDefinitions and Namespaces: a CRD is accepted and Established at
// once and its kinds appear in discovery; deleting a CRD deletes its custom resources, deleting
// a Namespace deletes everything in it (the real namespace controller does this asynchronously).
#include <set>

#include "apiserver/handlers.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

constexpr const char* kCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

json condition(const std::string& type, const std::string& reason, const std::string& message,
               const json* old_status, const std::string& now) {
  std::string since = now;
  if (old_status) {
    for (const auto& c : old_status->value("conditions", json::array())) {
      if (c.value("type", "") == type && c.value("status", "") == "True") {
        since = c.value("lastTransitionTime", now);
      }
    }
  }
  return {{"type", type},
          {"status", "True"},
          {"lastTransitionTime", since},
          {"reason", reason},
          {"message", message}};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

ApiResult<bool> ResourceHandlers::prepare_crd(json& crd, const json* old) {
  using Type = FieldError::Type;
  std::vector<FieldError> errors;
  json& spec = crd["spec"];
  if (!spec.is_object()) spec = json::object();
  json& names = spec["names"];
  if (!names.is_object()) names = json::object();
  const std::string group = spec.value("group", "");
  const std::string plural = names.value("plural", "");
  const std::string kind = names.value("kind", "");
  const std::string name = crd["metadata"].value("name", "");
  if (group.empty()) errors.push_back({Type::kRequired, "spec.group", std::nullopt, ""});
  if (plural.empty()) errors.push_back({Type::kRequired, "spec.names.plural", std::nullopt, ""});
  if (kind.empty()) errors.push_back({Type::kRequired, "spec.names.kind", std::nullopt, ""});
  if (name != plural + "." + group) {
    errors.push_back(
        {Type::kInvalid, "metadata.name", name, "must be spec.names.plural+\".\"+spec.group"});
  }
  const std::string scope = spec.value("scope", "");
  if (scope != "Namespaced" && scope != "Cluster") {
    errors.push_back({Type::kNotSupported, "spec.scope", scope,
                      "supported values: \"Cluster\", \"Namespaced\""});
  }
  std::string storage;
  int storage_count = 0;
  for (const auto& v : spec.value("versions", json::array())) {
    if (v.value("storage", false)) {
      ++storage_count;
      storage = v.value("name", "");
    }
  }
  if (storage_count != 1) {
    errors.push_back({Type::kInvalid, "spec.versions", spec.value("versions", json::array()),
                      "must have exactly one version marked as storage version"});
  }
  if (!errors.empty()) {
    return fail(invalid("apiextensions.k8s.io", "CustomResourceDefinition", name, errors));
  }
  if (!names.contains("singular")) names["singular"] = lower(kind);
  if (!names.contains("listKind")) names["listKind"] = kind + "List";
  if (!spec.contains("conversion")) spec["conversion"] = {{"strategy", "None"}};
  if (!old) {
    json& finalizers = crd["metadata"]["finalizers"];
    if (!finalizers.is_array()) finalizers = json::array();
    if (std::find(finalizers.begin(), finalizers.end(), kCleanupFinalizer) == finalizers.end()) {
      finalizers.push_back(kCleanupFinalizer);
    }
  }
  const json* old_status = old && old->contains("status") ? &(*old)["status"] : nullptr;
  const std::string now = now_text();
  std::set<std::string> stored;
  if (old_status) {
    for (const auto& v : old_status->value("storedVersions", json::array()))
      stored.insert(v.get<std::string>());
  }
  stored.insert(storage);
  crd["status"] = {
      {"conditions",
       json::array(
           {condition("NamesAccepted", "NoConflicts", "no conflicts found", old_status, now),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted",
                      old_status, now)})},
      {"acceptedNames", names},
      {"storedVersions", json(std::vector<std::string>(stored.begin(), stored.end()))}};
  return true;
}

void ResourceHandlers::sync_crd(const json& crd) {
  const std::string name = crd["metadata"].value("name", "");
  if (crd["metadata"].contains("deletionTimestamp")) {
    registry_.set_crd_types(name, {});
  } else {
    registry_.set_crd_types(name, types_from_crd(crd));
  }
}

void ResourceHandlers::cascade_delete(Store::Txn& txn, const ResourceType& type, const json& obj) {
  const std::string name = obj["metadata"].value("name", "");
  if (type.kind == "CustomResourceDefinition") {
    const json& spec = obj["spec"];
    const std::string key = spec.value("group", "") + "/" + spec["names"].value("plural", "");
    std::vector<json> doomed;
    for (const json* o : txn.list(key, "")) doomed.push_back(*o);
    for (const auto& o : doomed) {
      txn.remove(key, o["metadata"].value("namespace", ""), o["metadata"].value("name", ""));
    }
    registry_.set_crd_types(name, {});
  } else if (type.kind == "Namespace") {
    std::set<std::string> keys;
    for (const auto& t : registry_.all()) {
      if (t->namespaced) keys.insert(t->storage_key());
    }
    for (const auto& key : keys) {
      std::vector<json> doomed;
      for (const json* o : txn.list(key, name)) doomed.push_back(*o);
      for (const auto& o : doomed) txn.remove(key, name, o["metadata"].value("name", ""));
    }
  }
}

}  // namespace orderops::apiserver
