// PATCH: JSON patch, merge patch, strategic merge patch (built-ins only; 415 for custom
// resources, as apiextensions answers) and server-side apply.
#include "apiserver/handlers.h"
#include "apiserver/managed_fields.h"
#include "apiserver/object_meta.h"
#include "apiserver/patch.h"
#include "apiserver/yaml_json.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

constexpr const char* kJsonPatch = "application/json-patch+json";
constexpr const char* kMergePatch = "application/merge-patch+json";
constexpr const char* kStrategic = "application/strategic-merge-patch+json";
constexpr const char* kApply = "application/apply-patch+yaml";

std::string media_type(const std::string& header) {
  std::string t = header.substr(0, header.find(';'));
  t.erase(0, t.find_first_not_of(' '));
  t.erase(t.find_last_not_of(' ') + 1);
  return t;
}

ApiError patch_options_invalid(FieldError e) {
  return invalid("meta.k8s.io", "PatchOptions", "", {std::move(e)});
}

}  // namespace

HttpResponse ResourceHandlers::patch(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  const std::string type = media_type(r.http.header("content-type"));
  std::vector<std::string> accepted = {kJsonPatch, kMergePatch, kApply};
  if (t.builtin) accepted.insert(accepted.begin() + 2, kStrategic);
  if (std::find(accepted.begin(), accepted.end(), type) == accepted.end()) {
    return error_response(unsupported_media_type(accepted));
  }
  const bool apply = type == kApply;
  const std::string manager = r.http.param("fieldManager").value_or("");
  const auto force = parse_go_bool(r.http.param("force").value_or("false"));
  if (apply && manager.empty()) {
    return error_response(patch_options_invalid({FieldError::Type::kRequired, "fieldManager",
                                                 std::nullopt, "is required for apply patch"}));
  }
  if (!apply && force.value_or(false)) {
    return error_response(
        patch_options_invalid({FieldError::Type::kForbidden, "force", std::nullopt,
                               "may not be specified for non-apply patch"}));
  }
  auto body = apply ? yaml_to_json(r.http.body) : decode_json_body(r.http);
  if (!body) return error_response(body.error());
  WriteContext w{r, {}, r.http.param("dryRun").value_or("") == "All"};
  const ManagerInfo who{apply ? manager : field_manager(r), t.api_version(), now_text(),
                        r.subresource};

  auto txn = store_.begin();
  const json* found = txn.get(t.storage_key(), r.ns, r.name);
  if (!found) {
    if (!apply || !r.subresource.empty())
      return error_response(not_found(t.group, t.plural, r.name));
    if (t.namespaced && !txn.get("/namespaces", "", r.ns)) {
      return error_response(not_found("", "namespaces", r.ns));
    }
    auto created = server_side_apply(json(), *body, who, true, t.schema);
    if (!created) return error_response(created.error());
    json managed = (*created)["metadata"]["managedFields"];
    (*created)["metadata"].erase("managedFields");
    auto prepared = prepare_create(w, txn, to_storage(t, std::move(*created)));
    if (!prepared) return error_response(prepared.error());
    (*prepared)["metadata"]["managedFields"] = managed;
    return respond(201, w, commit_create(w, txn, std::move(*prepared)));
  }
  const json old = *found;
  const json current = present(t, old);
  json patched;
  if (type == kJsonPatch) {
    auto p = json_patch(current, *body);
    if (!p) return error_response(p.error());
    patched = std::move(*p);
  } else if (type == kMergePatch) {
    patched = merge_patch(current, *body);
  } else if (type == kStrategic) {
    patched = strategic_merge_patch(current, *body);
  } else {
    if (body->value("kind", "") != t.kind || body->value("apiVersion", "") != t.api_version()) {
      return error_response(
          bad_request("the kind or apiVersion of the applied configuration does "
                      "not match the resource being patched"));
    }
    auto p = server_side_apply(current, *body, who, force.value_or(false), t.schema);
    if (!p) return error_response(p.error());
    patched = std::move(*p);
  }
  if (!patched.is_object() || !patched["metadata"].is_object()) {
    return error_response(bad_request("the patched object is not a valid object"));
  }
  const json rv = patched["metadata"].value("resourceVersion", json(""));
  if (rv.is_string() && !rv.get<std::string>().empty() &&
      rv != old["metadata"]["resourceVersion"]) {
    return error_response(modified_conflict(t.group, t.plural, r.name));
  }
  if (patched["metadata"].value("name", r.name) != r.name) {
    return error_response(invalid(t.group, t.kind, r.name,
                                  {{FieldError::Type::kInvalid, "metadata.name",
                                    patched["metadata"]["name"], "field is immutable"}}));
  }
  auto prepared = prepare_update(w, old, to_storage(t, std::move(patched)), apply);
  if (!prepared) return error_response(prepared.error());
  return respond(200, w, commit_update(w, txn, old, std::move(*prepared)));
}

}  // namespace orderops::apiserver
