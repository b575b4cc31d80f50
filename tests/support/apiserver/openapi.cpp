#include "apiserver/openapi.h"

#include <set>

#include "apiserver/status_error.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

std::string gv_path(const ResourceType& t) {
  return t.group.empty() ? "api/" + t.version : "apis/" + t.group + "/" + t.version;
}

// "io.k8s.api.core.v1.ConfigMap" for built-ins, reversed group for CRDs ("io.orderops...").
std::string schema_name(const ResourceType& t) {
  if (t.builtin) {
    std::string g = t.group.empty() ? "core" : t.group.substr(0, t.group.find('.'));
    if (t.group == "apiextensions.k8s.io") {
      return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1." + t.kind;
    }
    return "io.k8s.api." + g + "." + t.version + "." + t.kind;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= t.group.size()) {
    size_t dot = t.group.find('.', start);
    if (dot == std::string::npos) dot = t.group.size();
    parts.insert(parts.begin(), t.group.substr(start, dot - start));
    start = dot + 1;
  }
  std::string out;
  for (const auto& p : parts) out += p + ".";
  return out + t.version + "." + t.kind;
}

json param(const std::string& name, const std::string& type = "string") {
  return {{"name", name}, {"in", "query"}, {"schema", {{"type", type}, {"uniqueItems", true}}}};
}

json gvk(const ResourceType& t) {
  return {{"group", t.group}, {"version", t.version}, {"kind", t.kind}};
}

json operation(const ResourceType& t, const std::string& action, const json& ref) {
  json op = {
      {"x-kubernetes-action", action},
      {"x-kubernetes-group-version-kind", gvk(t)},
      {"operationId", action + t.kind},
      {"responses",
       {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", ref}}}}}}}}}};
  if (action == "patch") {
    op["parameters"] = json::array({param("dryRun"), param("fieldManager"),
                                    param("fieldValidation"), param("force", "boolean")});
    op["requestBody"] = {{"content",
                          {{"application/json-patch+json", {{"schema", {{"type", "object"}}}}},
                           {"application/merge-patch+json", {{"schema", {{"type", "object"}}}}},
                           {"application/apply-patch+yaml", {{"schema", {{"type", "object"}}}}}}},
                         {"required", true}};
  } else if (action == "put" || action == "post") {
    op["parameters"] =
        json::array({param("dryRun"), param("fieldManager"), param("fieldValidation")});
    op["requestBody"] = {{"content", {{"application/json", {{"schema", ref}}}}},
                         {"required", true}};
  }
  return op;
}

json document(const std::vector<ResourceTypePtr>& types) {
  json paths = json::object();
  json schemas = json::object();
  for (const auto& t : types) {
    const std::string name = schema_name(*t);
    const json ref = {{"$ref", "#/components/schemas/" + name}};
    const std::string prefix =
        "/" + gv_path(*t) + (t->namespaced ? "/namespaces/{namespace}/" : "/");
    paths[prefix + t->plural] = {{"get", operation(*t, "list", ref)},
                                 {"post", operation(*t, "post", ref)}};
    paths[prefix + t->plural + "/{name}"] = {{"get", operation(*t, "get", ref)},
                                             {"put", operation(*t, "put", ref)},
                                             {"patch", operation(*t, "patch", ref)},
                                             {"delete", operation(*t, "delete", ref)}};
    if (t->status_subresource) {
      paths[prefix + t->plural + "/{name}/status"] = {{"get", operation(*t, "get", ref)},
                                                      {"put", operation(*t, "put", ref)},
                                                      {"patch", operation(*t, "patch", ref)}};
    }
    json schema = t->schema.is_object() ? t->schema : json{{"type", "object"}};
    schema["x-kubernetes-group-version-kind"] = json::array({gvk(*t)});
    schemas[name] = schema;
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

std::string hash_of(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: a cache key, not security
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llX", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::optional<HttpResponse> OpenApi::handle(const HttpRequest& request) const {
  const std::string& p = request.path;
  if (p.rfind("/openapi/v3", 0) != 0) return std::nullopt;
  const auto all = registry_.all();
  std::map<std::string, std::vector<ResourceTypePtr>> by_gv;
  for (const auto& t : all) by_gv[gv_path(*t)].push_back(t);
  if (p == "/openapi/v3" || p == "/openapi/v3/") {
    json paths = json::object();
    for (const auto& [gv, types] : by_gv) {
      paths[gv] = {
          {"serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash_of(document(types).dump())}};
    }
    return json_response(200, {{"paths", paths}});
  }
  const std::string gv = p.substr(std::string("/openapi/v3/").size());
  const auto it = by_gv.find(gv);
  if (it == by_gv.end()) return error_response(path_not_found());
  return json_response(200, document(it->second));
}

}  // namespace orderops::apiserver
