// The shared steps of every write: metadata rules, schema pruning/defaulting/validation with
// fieldValidation, generation and status-subresource semantics, managedFields, and commit
// (including deletion once the last finalizer is gone).
#include <algorithm>
#include <set>

#include "apiserver/encoding.h"
#include "apiserver/handlers.h"
#include "apiserver/managed_fields.h"
#include "apiserver/object_meta.h"
#include "apiserver/schema.h"
#include "common/time_format.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

bool has_generation(const ResourceType& t) {
  return !t.crd_name.empty() || t.kind == "CustomResourceDefinition";
}

// Everything but metadata (and status when it has its own endpoint) drives generation.
json generation_view(const ResourceType& t, json obj) {
  obj.erase("metadata");
  if (t.status_subresource) obj.erase("status");
  obj.erase("apiVersion");
  obj.erase("kind");
  return obj;
}

json strip_volatile(json obj) {
  obj["metadata"].erase("resourceVersion");
  obj["metadata"].erase("managedFields");
  return obj;
}

std::vector<std::string> string_list(const json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& s : v) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

std::string go_string_slice(const std::vector<std::string>& v) {
  std::string out = "[]string{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + go_quote(v[i]);
  return out + "}";
}

}  // namespace

ResourceHandlers::ResourceHandlers(Registry& registry, Store& store, const Clock& clock,
                                   std::chrono::milliseconds bookmark_interval)
    : registry_(registry), store_(store), clock_(clock), bookmark_interval_(bookmark_interval) {}

std::string ResourceHandlers::now_text() const { return format_rfc3339(clock_.now()); }

std::string ResourceHandlers::field_manager(const ResourceRequest& r) const {
  if (auto m = r.http.param("fieldManager"); m && !m->empty()) return *m;
  const std::string agent = r.http.header("user-agent");
  return agent.substr(0, agent.find('/'));
}

ApiResult<bool> ResourceHandlers::apply_schema(WriteContext& w, json& obj) {
  const ResourceType& t = *w.r.type;
  std::vector<std::string> unknown;
  if (!t.crd_name.empty()) {
    unknown = prune_object(obj, t.schema);
  } else if (obj["metadata"].is_object()) {
    for (auto it = obj["metadata"].begin(); it != obj["metadata"].end();) {
      if (!is_object_meta_field(it.key())) {
        unknown.push_back("metadata." + it.key());
        it = obj["metadata"].erase(it);
      } else {
        ++it;
      }
    }
  }
  const std::string mode = w.r.http.param("fieldValidation").value_or("Warn");
  if (mode != "Strict" && mode != "Warn" && mode != "Ignore") {
    return fail(bad_request("fieldValidation: Unsupported value: " + go_quote(mode) +
                            ": supported values: \"Ignore\", \"Strict\", \"Warn\""));
  }
  if (!unknown.empty() && mode == "Strict") {
    std::string detail = "strict decoding error: ";
    for (size_t i = 0; i < unknown.size(); ++i) {
      detail += (i ? ", " : "") + std::string("unknown field ") + go_quote(unknown[i]);
    }
    return fail(decode_error(t, detail));
  }
  if (mode == "Warn") {
    for (const auto& u : unknown) w.warnings.push_back("unknown field " + go_quote(u));
  }
  if (!t.crd_name.empty()) apply_defaults(obj, t.schema);
  return true;
}

ApiResult<bool> ResourceHandlers::validate(WriteContext& w, const json& obj,
                                           std::vector<FieldError> errors) {
  const ResourceType& t = *w.r.type;
  auto meta_errors = validate_metadata(t, obj["metadata"]);
  errors.insert(errors.begin(), meta_errors.begin(), meta_errors.end());
  if (!t.crd_name.empty()) {
    auto schema_errors = validate_object(obj, t.schema);
    errors.insert(errors.end(), schema_errors.begin(), schema_errors.end());
  }
  if (errors.empty()) return true;
  return fail(invalid(t.group, t.kind, obj["metadata"].value("name", ""), errors));
}

ApiResult<json> ResourceHandlers::prepare_create(WriteContext& w, Store::Txn& txn, json obj) {
  const ResourceType& t = *w.r.type;
  if (!obj["metadata"].is_object()) obj["metadata"] = json::object();
  json& meta = obj["metadata"];
  if (t.namespaced) {
    const std::string ns = meta.value("namespace", "");
    if (!ns.empty() && ns != w.r.ns) {
      return fail(bad_request(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    meta["namespace"] = w.r.ns;
  } else {
    meta.erase("namespace");
  }
  if (meta.value("name", "").empty()) {
    const std::string prefix = meta.value("generateName", "");
    if (prefix.empty()) {
      return fail(invalid(t.group, t.kind, "",
                          {{FieldError::Type::kRequired, "metadata.name", std::nullopt,
                            "name or generateName is required"}}));
    }
    do {
      meta["name"] = prefix + random_name_suffix(5);
    } while (txn.get(t.storage_key(), w.r.ns, meta["name"].get<std::string>()));
  }
  if (!meta.value("resourceVersion", "").empty()) {
    return fail(internal_error("resourceVersion should not be set on objects to be created"));
  }
  if (auto r = apply_schema(w, obj); !r) return fail(r.error());
  if (t.status_subresource && !t.crd_name.empty()) obj.erase("status");
  std::vector<FieldError> errors;
  if (t.builtin) {
    auto r = normalize_builtin(t, obj);
    if (!r) return fail(r.error());
    errors = *r;
  }
  meta = obj["metadata"];
  meta["uid"] = random_uuid();
  meta["creationTimestamp"] = now_text();
  for (const char* f : {"deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
                        "resourceVersion", "generation", "managedFields"}) {
    meta.erase(f);
  }
  if (has_generation(t)) meta["generation"] = 1;
  obj["metadata"] = meta;
  if (t.kind == "CustomResourceDefinition") {
    if (auto r = prepare_crd(obj, nullptr); !r) return fail(r.error());
  }
  if (auto r = validate(w, obj, errors); !r) return fail(r.error());
  return obj;
}

ApiResult<json> ResourceHandlers::prepare_update(WriteContext& w, const json& old, json obj,
                                                 bool apply) {
  const ResourceType& t = *w.r.type;
  if (!obj["metadata"].is_object()) obj["metadata"] = json::object();
  if (w.r.subresource == "status") {
    json base = old;
    if (obj.contains("status")) {
      base["status"] = obj["status"];
    } else {
      base.erase("status");
    }
    if (apply)
      base["metadata"]["managedFields"] = obj["metadata"].value("managedFields", json::array());
    obj = std::move(base);
  } else if (t.status_subresource) {
    if (old.contains("status")) {
      obj["status"] = old["status"];
    } else {
      obj.erase("status");
    }
  }
  json& meta = obj["metadata"];
  const json& old_meta = old["metadata"];
  if (t.namespaced && meta.value("namespace", w.r.ns) != w.r.ns) {
    return fail(bad_request(
        "the namespace of the provided object does not match the namespace sent on the request"));
  }
  if (t.namespaced) meta["namespace"] = w.r.ns;
  std::vector<FieldError> errors;
  if (meta.value("uid", "").empty()) {
    meta["uid"] = old_meta["uid"];
  } else if (meta["uid"] != old_meta["uid"]) {
    errors.push_back(
        {FieldError::Type::kInvalid, "metadata.uid", meta["uid"], "field is immutable"});
  }
  for (const char* f :
       {"creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
    if (old_meta.contains(f)) {
      meta[f] = old_meta[f];
    } else {
      meta.erase(f);
    }
  }
  meta.erase("selfLink");
  if (old_meta.contains("deletionTimestamp")) {
    const auto before = string_list(old_meta.value("finalizers", json::array()));
    std::vector<std::string> added;
    for (const auto& f : string_list(meta.value("finalizers", json::array()))) {
      if (std::find(before.begin(), before.end(), f) == before.end()) added.push_back(f);
    }
    if (!added.empty()) {
      errors.push_back({FieldError::Type::kForbidden, "metadata.finalizers", std::nullopt,
                        "no new finalizers can be added if the object is being deleted, found "
                        "new finalizers " +
                            go_string_slice(added)});
    }
  }
  if (auto r = apply_schema(w, obj); !r) return fail(r.error());
  if (t.builtin) {
    auto r = normalize_builtin(t, obj);
    if (!r) return fail(r.error());
    errors.insert(errors.end(), r->begin(), r->end());
  }
  if (t.kind == "CustomResourceDefinition") {
    if (auto r = prepare_crd(obj, &old); !r) return fail(r.error());
  }
  if (has_generation(t) && generation_view(t, obj) != generation_view(t, old)) {
    obj["metadata"]["generation"] = old_meta.value("generation", 0) + 1;
  }
  if (auto r = validate(w, obj, errors); !r) return fail(r.error());
  if (!apply) {
    record_update(&old, obj, {field_manager(w.r), t.api_version(), now_text(), w.r.subresource},
                  t.schema);
  }
  obj["metadata"]["resourceVersion"] = old_meta.value("resourceVersion", "");
  return obj;
}

json ResourceHandlers::commit_create(WriteContext& w, Store::Txn& txn, json obj) {
  if (w.dry_run) return obj;
  json stored = txn.create(w.r.type->storage_key(), std::move(obj));
  if (w.r.type->kind == "CustomResourceDefinition") sync_crd(stored);
  return stored;
}

json ResourceHandlers::commit_update(WriteContext& w, Store::Txn& txn, const json& old, json obj) {
  // An update that changes nothing is not written: no new resourceVersion, no watch event.
  if (strip_volatile(obj) == strip_volatile(old)) return old;
  if (w.dry_run) return obj;
  const ResourceType& t = *w.r.type;
  const json& meta = obj["metadata"];
  if (meta.contains("deletionTimestamp") &&
      string_list(meta.value("finalizers", json::array())).empty()) {
    json final_state = obj;
    final_state["metadata"].erase("finalizers");
    remove_object(txn, t, old, &final_state);
    final_state["metadata"]["resourceVersion"] = std::to_string(txn.current_rv());
    return final_state;
  }
  json stored = txn.update(t.storage_key(), std::move(obj));
  if (t.kind == "CustomResourceDefinition") sync_crd(stored);
  return stored;
}

void ResourceHandlers::remove_object(Store::Txn& txn, const ResourceType& type, const json& obj,
                                     const json* final_state) {
  cascade_delete(txn, type, obj);
  const json& meta = obj["metadata"];
  txn.remove(type.storage_key(), meta.value("namespace", ""), meta.value("name", ""), final_state);
}

HttpResponse ResourceHandlers::respond(int code, const WriteContext& w, const json& stored) {
  HttpResponse res = json_response(code, present(*w.r.type, stored));
  for (const auto& warning : w.warnings) {
    res.headers.emplace_back("Warning", "299 - " + go_quote(warning));
  }
  return res;
}

}  // namespace orderops::apiserver
