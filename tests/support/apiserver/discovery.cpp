#include "apiserver/discovery.h"

#include "apiserver/status_error.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

const std::vector<std::string> kVerbs = {"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kStatusVerbs = {"get", "patch", "update"};

std::string gv(const std::string& group, const std::string& version) {
  return group.empty() ? version : group + "/" + version;
}

// "v2" or "v2beta1" when the client asks for aggregated discovery, else "".
std::string aggregated_version(const std::string& accept) {
  size_t start = 0;
  while (start <= accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    const std::string item = accept.substr(start, end - start);
    start = end + 1;
    if (item.find("as=APIGroupDiscoveryList") == std::string::npos ||
        item.find("g=apidiscovery.k8s.io") == std::string::npos) {
      continue;
    }
    if (item.find("v=v2beta1") != std::string::npos) return "v2beta1";
    if (item.find("v=v2") != std::string::npos) return "v2";
  }
  return "";
}

}  // namespace

json Discovery::version_info() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-orderops-test"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2024-12-11T00:00:00Z"},
          {"goVersion", "go1.23.4"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json Discovery::resource_list(const std::string& group, const std::string& version) const {
  json resources = json::array();
  for (const auto& t : registry_.all()) {
    if (t->group != group || t->version != version) continue;
    json r = {{"name", t->plural},
              {"singularName", t->singular},
              {"namespaced", t->namespaced},
              {"kind", t->kind},
              {"verbs", kVerbs}};
    if (!t->short_names.empty()) r["shortNames"] = t->short_names;
    if (!t->categories.empty()) r["categories"] = t->categories;
    resources.push_back(r);
    if (t->status_subresource) {
      resources.push_back({{"name", t->plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", t->namespaced},
                           {"kind", t->kind},
                           {"verbs", kStatusVerbs}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", gv(group, version)},
          {"resources", resources}};
}

json Discovery::group_info(const std::string& group) const {
  json versions = json::array();
  for (const auto& v : registry_.versions_of(group)) {
    versions.push_back({{"groupVersion", gv(group, v)}, {"version", v}});
  }
  json g = {{"name", group}, {"versions", versions}};
  if (!versions.empty()) g["preferredVersion"] = versions[0];
  return g;
}

json Discovery::aggregated(bool core, const std::string& version) const {
  json items = json::array();
  const std::vector<std::string> groups = core ? std::vector<std::string>{""} : registry_.groups();
  for (const auto& group : groups) {
    json versions = json::array();
    for (const auto& v : registry_.versions_of(group)) {
      json resources = json::array();
      for (const auto& t : registry_.all()) {
        if (t->group != group || t->version != v) continue;
        json r = {
            {"resource", t->plural},
            {"responseKind", {{"group", t->group}, {"version", t->version}, {"kind", t->kind}}},
            {"scope", t->namespaced ? "Namespaced" : "Cluster"},
            {"singularResource", t->singular},
            {"verbs", kVerbs}};
        if (!t->short_names.empty()) r["shortNames"] = t->short_names;
        if (!t->categories.empty()) r["categories"] = t->categories;
        if (t->status_subresource) {
          r["subresources"] = json::array(
              {{{"subresource", "status"},
                {"responseKind", {{"group", t->group}, {"version", t->version}, {"kind", t->kind}}},
                {"verbs", kStatusVerbs}}});
        }
        resources.push_back(r);
      }
      versions.push_back({{"version", v}, {"resources", resources}, {"freshness", "Current"}});
    }
    if (!versions.empty()) {
      items.push_back({{"metadata", {{"name", group}, {"creationTimestamp", nullptr}}},
                       {"versions", versions}});
    }
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + version},
          {"metadata", json::object()},
          {"items", items}};
}

std::optional<HttpResponse> Discovery::handle(const HttpRequest& request,
                                              const std::string& host) const {
  const std::string& p = request.path;
  const std::string agg = aggregated_version(request.header("accept"));
  auto aggregated_response = [&](bool core) {
    HttpResponse res = json_response(200, aggregated(core, agg));
    res.set_header("Content-Type",
                   "application/json;g=apidiscovery.k8s.io;v=" + agg + ";as=APIGroupDiscoveryList");
    return res;
  };
  if (p == "/version" || p == "/version/") return json_response(200, version_info());
  if (p == "/api" || p == "/api/") {
    if (!agg.empty()) return aggregated_response(true);
    return json_response(200,
                         {{"kind", "APIVersions"},
                          {"versions", json::array({"v1"})},
                          {"serverAddressByClientCIDRs",
                           json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", host}}})}});
  }
  if (p == "/api/v1" || p == "/api/v1/") return json_response(200, resource_list("", "v1"));
  if (p == "/apis" || p == "/apis/") {
    if (!agg.empty()) return aggregated_response(false);
    json groups = json::array();
    for (const auto& g : registry_.groups()) groups.push_back(group_info(g));
    return json_response(200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
  }
  if (p.rfind("/apis/", 0) != 0) return std::nullopt;
  std::string rest = p.substr(6);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t slash = rest.find('/');
  const std::string group = rest.substr(0, slash);
  const auto versions = registry_.versions_of(group);
  if (slash == std::string::npos) {
    if (versions.empty()) return error_response(path_not_found());
    json g = group_info(group);
    g["kind"] = "APIGroup";
    g["apiVersion"] = "v1";
    return json_response(200, g);
  }
  const std::string version = rest.substr(slash + 1);
  if (version.find('/') != std::string::npos) return std::nullopt;
  if (std::find(versions.begin(), versions.end(), version) == versions.end()) {
    return error_response(path_not_found());
  }
  return json_response(200, resource_list(group, version));
}

}  // namespace orderops::apiserver
