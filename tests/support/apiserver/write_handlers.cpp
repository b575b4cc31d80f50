// create (POST), update (PUT), delete and deletecollection.
#include "apiserver/handlers.h"
#include "apiserver/managed_fields.h"
#include "apiserver/object_meta.h"
#include "apiserver/selectors.h"

namespace orderops::apiserver {

using nlohmann::json;

std::optional<bool> parse_go_bool(const std::string& t) {
  if (t == "1" || t == "t" || t == "T" || t == "true" || t == "TRUE" || t == "True") return true;
  if (t == "0" || t == "f" || t == "F" || t == "false" || t == "FALSE" || t == "False") {
    return false;
  }
  return std::nullopt;
}

ApiResult<json> decode_json_body(const HttpRequest& r) {
  const std::string type = r.header("content-type");
  // Protobuf (what kubectl's typed clients prefer for built-ins) is not implemented.
  if (type.find("protobuf") != std::string::npos || type.find("cbor") != std::string::npos) {
    return fail(unsupported_media_type({"application/json", "application/yaml"}));
  }
  if (r.body.empty()) return fail(bad_request("the body of the request was empty"));
  try {
    return json::parse(r.body);
  } catch (const json::exception& e) {
    return fail(
        bad_request(std::string("couldn't get version/kind; json parse error: ") + e.what()));
  }
}

namespace {

ApiResult<bool> check_type_meta(const ResourceType& t, const json& obj) {
  if (!obj.is_object()) return fail(decode_error(t, "the object is not a JSON object"));
  const std::string api_version = obj.value("apiVersion", "");
  const std::string kind = obj.value("kind", "");
  if (!api_version.empty() && api_version != t.api_version()) {
    return fail(bad_request("the API version in the data (" + api_version +
                            ") does not match the expected API version (" + t.api_version() + ")"));
  }
  if (!kind.empty() && kind != t.kind) {
    return fail(bad_request("the kind in the data (" + kind +
                            ") does not match the expected kind (" + t.kind + ")"));
  }
  return true;
}

std::string object_rv(const json& obj) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) return "";
  const json& rv = obj["metadata"].value("resourceVersion", json(""));
  return rv.is_string() ? rv.get<std::string>() : "";
}

}  // namespace

HttpResponse ResourceHandlers::create(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  if (!r.name.empty() || !r.subresource.empty())
    return error_response(method_not_supported(t.group, t.plural, "create"));
  auto body = decode_json_body(r.http);
  if (!body) return error_response(body.error());
  if (auto ok = check_type_meta(t, *body); !ok) return error_response(ok.error());
  WriteContext w{r, {}, r.http.param("dryRun").value_or("") == "All"};
  auto txn = store_.begin();
  if (t.namespaced && !txn.get("/namespaces", "", r.ns)) {
    return error_response(not_found("", "namespaces", r.ns));
  }
  auto prepared = prepare_create(w, txn, to_storage(t, std::move(*body)));
  if (!prepared) return error_response(prepared.error());
  const std::string name = (*prepared)["metadata"].value("name", "");
  if (txn.get(t.storage_key(), r.ns, name))
    return error_response(already_exists(t.group, t.plural, name));
  record_update(nullptr, *prepared, {field_manager(r), t.api_version(), now_text(), ""}, t.schema);
  return respond(201, w, commit_create(w, txn, std::move(*prepared)));
}

HttpResponse ResourceHandlers::update(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  auto body = decode_json_body(r.http);
  if (!body) return error_response(body.error());
  if (auto ok = check_type_meta(t, *body); !ok) return error_response(ok.error());
  const std::string body_name = (*body)["metadata"].value("name", "");
  if (body_name != r.name) {
    return error_response(bad_request("the name of the object (" + body_name +
                                      ") does not match the name on the URL (" + r.name + ")"));
  }
  WriteContext w{r, {}, r.http.param("dryRun").value_or("") == "All"};
  auto txn = store_.begin();
  const json* old = txn.get(t.storage_key(), r.ns, r.name);
  if (!old) {
    if (!t.allow_create_on_update || !r.subresource.empty()) {
      return error_response(not_found(t.group, t.plural, r.name));
    }
    (*body)["metadata"].erase("resourceVersion");
    auto prepared = prepare_create(w, txn, to_storage(t, std::move(*body)));
    if (!prepared) return error_response(prepared.error());
    return respond(201, w, commit_create(w, txn, std::move(*prepared)));
  }
  const std::string rv = object_rv(*body);
  if (rv.empty() && !t.allow_unconditional_update) {
    return error_response(invalid(t.group, t.kind, r.name,
                                  {{FieldError::Type::kInvalid, "metadata.resourceVersion",
                                    json("0x0"), "must be specified for an update"}}));
  }
  if (!rv.empty() && rv != object_rv(*old)) {
    return error_response(modified_conflict(t.group, t.plural, r.name));
  }
  const json current = *old;
  auto prepared = prepare_update(w, current, to_storage(t, std::move(*body)), false);
  if (!prepared) return error_response(prepared.error());
  return respond(200, w, commit_update(w, txn, current, std::move(*prepared)));
}

HttpResponse ResourceHandlers::remove(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  if (!r.subresource.empty())
    return error_response(method_not_supported(t.group, t.plural, "delete"));
  json options = json::object();
  if (!r.http.body.empty()) {
    auto body = decode_json_body(r.http);
    if (!body) return error_response(body.error());
    options = *body;
  }
  if (auto p = r.http.param("propagationPolicy")) options["propagationPolicy"] = *p;
  const bool dry_run =
      r.http.param("dryRun").value_or("") == "All" ||
      options.value("dryRun", json::array()).dump().find("All") != std::string::npos;
  auto txn = store_.begin();
  const json* found = txn.get(t.storage_key(), r.ns, r.name);
  if (!found) return error_response(not_found(t.group, t.plural, r.name));
  json obj = *found;
  const json pre = options.value("preconditions", json::object());
  const std::string uid = obj["metadata"].value("uid", "");
  if (pre.contains("uid") && pre["uid"].is_string() && pre["uid"] != uid) {
    return error_response(
        conflict(t.group, t.plural, r.name,
                 "Precondition failed: UID in precondition: " + pre["uid"].get<std::string>() +
                     ", UID in object meta: " + uid));
  }
  if (pre.contains("resourceVersion") && pre["resourceVersion"].is_string() &&
      pre["resourceVersion"] != object_rv(obj)) {
    return error_response(conflict(t.group, t.plural, r.name,
                                   "Precondition failed: ResourceVersion in precondition: " +
                                       pre["resourceVersion"].get<std::string>() +
                                       ", ResourceVersion in meta: " + object_rv(obj)));
  }
  json finalizers = obj["metadata"].value("finalizers", json::array());
  if (t.kind == "CustomResourceDefinition") finalizers = json::array();
  if (!finalizers.empty()) {
    if (obj["metadata"].contains("deletionTimestamp")) return json_response(200, present(t, obj));
    obj["metadata"]["deletionTimestamp"] = now_text();
    obj["metadata"]["deletionGracePeriodSeconds"] = 0;
    if (obj["metadata"].value("generation", 0) > 0) {
      obj["metadata"]["generation"] = obj["metadata"]["generation"].get<long long>() + 1;
    }
    if (dry_run) return json_response(200, present(t, obj));
    return json_response(200, present(t, txn.update(t.storage_key(), obj)));
  }
  json details = {{"name", r.name}, {"kind", t.plural}, {"uid", uid}};
  if (!t.group.empty()) details["group"] = t.group;
  if (dry_run) return json_response(200, success_status(details));
  if (t.kind == "Namespace" || t.kind == "CustomResourceDefinition") {
    // Both are answered with the object, as the real server does while it cleans up.
    obj["metadata"]["deletionTimestamp"] = now_text();
    if (t.kind == "Namespace") obj["status"]["phase"] = "Terminating";
    remove_object(txn, t, *found, nullptr);
    return json_response(200, present(t, obj));
  }
  remove_object(txn, t, obj, nullptr);
  return json_response(200, success_status(details));
}

HttpResponse ResourceHandlers::remove_collection(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  auto labels = LabelSelector::parse(r.http.param("labelSelector").value_or(""));
  if (!labels) return error_response(labels.error());
  auto fields = FieldSelector::parse(r.http.param("fieldSelector").value_or(""), t);
  if (!fields) return error_response(fields.error());
  std::vector<std::string> names;
  {
    auto txn = store_.begin();
    for (const json* o : txn.list(t.storage_key(), r.ns)) {
      if (labels->matches(*o) && fields->matches(*o)) names.push_back((*o)["metadata"]["name"]);
    }
  }
  json items = json::array();
  for (const auto& name : names) {
    ResourceRequest one{r.type, r.ns, name, "", r.http};
    HttpResponse res = remove(one);
    if (res.status == 200) items.push_back(json::parse(res.body));
  }
  return json_response(200, {{"apiVersion", t.api_version()},
                             {"kind", t.list_kind},
                             {"metadata", json::object()},
                             {"items", items}});
}

}  // namespace orderops::apiserver
