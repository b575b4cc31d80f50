// The typed Kubernetes client: get/list/watch/create/update/patch/delete and status writes over a
// Transport, with Status bodies decoded into Error (api_error.h), Warning headers logged, and
// 429/5xx answers that carry Retry-After retried after that wait (client-go's checkWait, at most
// ClientOptions::max_retries times and never past the request's timeout). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "kube/object.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace orderops::kube {

struct RequestOptions {
  Duration timeout{};  // zero: the transport's default
};

struct ListOptions {
  std::string resource_version;  // "", "0" or an RV ("not older than")
  std::int64_t limit = 0;        // page size; 0: no paging
  std::string continue_token;
  std::string label_selector;
  std::string field_selector;
  Duration timeout{};
};

struct ListPage {
  std::vector<Json> items;
  std::string resource_version;
  std::string continue_token;
};

struct WatchOptions {
  std::string resource_version;
  bool allow_bookmarks = true;
  std::int64_t timeout_seconds = 0;  // server-side end of the stream; 0: server default
  std::string label_selector;
  std::string field_selector;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view to_string(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  Json object;  // the object, the bookmark's object, or a metav1.Status for kError
};

// One open watch: events are read as the server sends them, one JSON object per line.
// Not thread-safe; destroying it closes the connection.
class WatchStream {
 public:
  explicit WatchStream(std::unique_ptr<LineStream> lines) : lines_(std::move(lines)) {}
  // The next event; nullopt when the server ended the stream. Errors: kInvalid for an undecodable
  // line, otherwise the transport's (a broken or timed-out connection).
  Result<std::optional<WatchEvent>> next();

 private:
  std::unique_ptr<LineStream> lines_;
};

enum class PatchType {
  kMerge,           // application/merge-patch+json (RFC 7386)
  kJson,            // application/json-patch+json (RFC 6902)
  kStrategicMerge,  // built-in kinds only; CRs answer 415
  kApply,           // server-side apply (application/apply-patch+yaml; JSON is valid YAML)
};

struct WriteOptions {
  std::string field_manager;
  Duration timeout{};
};

struct PatchOptions {
  std::string subresource;    // "status" to patch the status subresource
  std::string field_manager;  // required for kApply
  bool force = false;         // kApply only: take over conflicting fields
  Duration timeout{};
};

struct DeleteOptions {
  std::string precondition_resource_version;
  std::string precondition_uid;
  std::string propagation_policy;  // "", "Background", "Foreground", "Orphan"
  Duration timeout{};
};

struct ClientOptions {
  int max_retries = 10;  // client-go's default for Retry-After answers
};

class Client {
 public:
  Client(Transport& transport, const Clock& clock, Logger log, ClientOptions options = {});
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Result<Json> get(const ResourceType& type, std::string_view ns, std::string_view name,
                   const RequestOptions& options = {}, std::stop_token stop = {});
  Result<ListPage> list(const ResourceType& type, std::string_view ns, const ListOptions& options,
                        std::stop_token stop = {});
  Result<WatchStream> watch(const ResourceType& type, std::string_view ns,
                            const WatchOptions& options, std::stop_token stop);
  // POST to the collection of the object's namespace (or `ns` when the object has none).
  Result<Json> create(const ResourceType& type, std::string_view ns, const Json& object,
                      const WriteOptions& options = {}, std::stop_token stop = {});
  // PUT with the object's metadata.resourceVersion: a stale RV answers Conflict.
  Result<Json> update(const ResourceType& type, const Json& object,
                      const WriteOptions& options = {}, std::stop_token stop = {});
  // PUT .../{name}/status: only .status is taken from `object`; RV-guarded like update().
  Result<Json> update_status(const ResourceType& type, const Json& object,
                             const WriteOptions& options = {}, std::stop_token stop = {});
  // A merge or JSON patch, or server-side apply. A metadata.resourceVersion inside a merge patch
  // is a precondition (Conflict on mismatch).
  Result<Json> patch(const ResourceType& type, std::string_view ns, std::string_view name,
                     PatchType patch_type, const Json& body, const PatchOptions& options = {},
                     std::stop_token stop = {});
  // DELETE; returns the object (finalizers pending) or the Success Status.
  Result<Json> remove(const ResourceType& type, std::string_view ns, std::string_view name,
                      const DeleteOptions& options = {}, std::stop_token stop = {});

 private:
  Result<Json> round_trip(HttpRequest request, std::stop_token stop);
  Result<HttpResponse> send_with_retry(const HttpRequest& request, std::stop_token stop);
  void log_warnings(const HttpRequest& request, const HttpResponse& response) const;
  // Whether to retry after `response` (attempt counts from 0); sets `wait`.
  bool should_retry(const HttpResponse& response, int attempt, Duration elapsed, Duration budget,
                    Duration& wait) const;

  Transport& transport_;
  const Clock& clock_;
  Logger log_;
  ClientOptions options_;
};

}  // namespace orderops::kube
