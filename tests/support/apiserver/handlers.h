// The REST verbs over resources: get, list, watch, create, update, patch, delete and
// deletecollection, with the apiserver's semantics (see README.md). Every operation runs inside
// one store transaction. Thread-safe: handlers are called concurrently from connection threads.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apiserver/http_types.h"
#include "apiserver/resource_type.h"
#include "apiserver/status_error.h"
#include "apiserver/store.h"
#include "common/clock.h"

namespace orderops::apiserver {

struct ResourceRequest {
  ResourceTypePtr type;
  std::string ns;
  std::string name;
  std::string subresource;
  const HttpRequest& http;
};

class ResourceHandlers {
 public:
  ResourceHandlers(Registry& registry, Store& store, const Clock& clock,
                   std::chrono::milliseconds bookmark_interval);

  HttpResponse get(const ResourceRequest& r);
  HttpResponse list(const ResourceRequest& r);
  HttpResponse watch(const ResourceRequest& r);
  HttpResponse create(const ResourceRequest& r);
  HttpResponse update(const ResourceRequest& r);
  HttpResponse patch(const ResourceRequest& r);
  HttpResponse remove(const ResourceRequest& r);
  HttpResponse remove_collection(const ResourceRequest& r);

 private:
  using json = nlohmann::json;
  struct WriteContext {
    const ResourceRequest& r;
    std::vector<std::string> warnings;
    bool dry_run = false;
  };

  // write_pipeline.cpp
  ApiResult<json> prepare_create(WriteContext& w, Store::Txn& txn, json obj);
  ApiResult<json> prepare_update(WriteContext& w, const json& old, json obj, bool apply);
  ApiResult<bool> apply_schema(WriteContext& w, json& obj);
  ApiResult<bool> validate(WriteContext& w, const json& obj, std::vector<FieldError> errors);
  json commit_update(WriteContext& w, Store::Txn& txn, const json& old, json obj);
  json commit_create(WriteContext& w, Store::Txn& txn, json obj);
  void remove_object(Store::Txn& txn, const ResourceType& type, const json& obj,
                     const json* final_state);
  std::string now_text() const;
  std::string field_manager(const ResourceRequest& r) const;

  // crd_hooks.cpp: CustomResourceDefinition and Namespace side effects.
  ApiResult<bool> prepare_crd(json& crd, const json* old);
  void sync_crd(const json& crd);
  void cascade_delete(Store::Txn& txn, const ResourceType& type, const json& obj);

  HttpResponse respond(int code, const WriteContext& w, const json& stored);

  Registry& registry_;
  Store& store_;
  const Clock& clock_;
  const std::chrono::milliseconds bookmark_interval_;
};

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(const std::string& text);
ApiResult<nlohmann::json> decode_json_body(const HttpRequest& r);

}  // namespace orderops::apiserver
