#include "kube/client.h"

#include "kube/api_error.h"

namespace orderops::kube {
namespace {

constexpr Duration kStreamGrace = std::chrono::seconds(30);

std::string_view content_type_for(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

void add_field_manager(HttpRequest& request, const std::string& manager) {
  if (!manager.empty()) request.query.emplace_back("fieldManager", manager);
}

Result<std::optional<WatchEventType>> parse_type(const std::string& type) {
  if (type == "ADDED") return WatchEventType::kAdded;
  if (type == "MODIFIED") return WatchEventType::kModified;
  if (type == "DELETED") return WatchEventType::kDeleted;
  if (type == "BOOKMARK") return WatchEventType::kBookmark;
  if (type == "ERROR") return WatchEventType::kError;
  return invalid("watch event type \"" + type + "\" is unknown");
}

}  // namespace

std::string_view to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "ERROR";
}

Result<std::optional<WatchEvent>> WatchStream::next() {
  while (true) {
    auto line = lines_->next_line();
    if (!line) return std::unexpected(line.error());
    if (!line->has_value()) return std::optional<WatchEvent>();
    const std::string& text = **line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto parsed = parse_json(text, "watch event");
    if (!parsed) return std::unexpected(parsed.error());
    if (!parsed->is_object() || !(*parsed)["type"].is_string() || !parsed->contains("object")) {
      return invalid("watch event without type or object");
    }
    auto type = parse_type((*parsed)["type"].get<std::string>());
    if (!type) return std::unexpected(type.error());
    return std::optional<WatchEvent>(WatchEvent{**type, std::move((*parsed)["object"])});
  }
}

Client::Client(Transport& transport, const Clock& clock, Logger log, ClientOptions options)
    : transport_(transport), clock_(clock), log_(std::move(log)), options_(options) {}

bool Client::should_retry(const HttpResponse& response, int attempt, Duration elapsed,
                          Duration budget, Duration& wait) const {
  if (response.status != 429 && response.status < 500) return false;
  if (attempt >= options_.max_retries) return false;
  const Error e = error_from_response(response);
  if (!e.retry_after) return false;
  // A zero Retry-After would make a tight loop; wait at least a second.
  wait = std::max<Duration>(*e.retry_after, std::chrono::seconds(1));
  return budget == Duration::zero() || elapsed + wait < budget;
}

void Client::log_warnings(const HttpRequest& request, const HttpResponse& response) const {
  for (const auto& w : response.warnings) {
    log_.warn("api server warning", {{"warning", w}, {"path", request.path}});
  }
}

Result<HttpResponse> Client::send_with_retry(const HttpRequest& request, std::stop_token stop) {
  const MonotonicTime start = clock_.monotonic();
  for (int attempt = 0;; ++attempt) {
    auto response = transport_.send(request, stop);
    if (!response) return response;
    log_warnings(request, *response);
    Duration wait{};
    if (!should_retry(*response, attempt, clock_.monotonic() - start, request.timeout, wait)) {
      return response;
    }
    log_.debug("retrying after Retry-After",
               {{"path", request.path},
                {"status", response->status},
                {"wait_ms", std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()}});
    if (!clock_.sleep_for(wait, stop)) return make_error(ErrorCode::kCancelled, "request stopped");
  }
}

Result<Json> Client::round_trip(HttpRequest request, std::stop_token stop) {
  auto response = send_with_retry(request, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status < 200 || response->status >= 300) {
    return std::unexpected(error_from_response(*response));
  }
  if (response->body.empty()) return Json();
  return parse_json(response->body, std::string(to_string(request.verb)) + " " + request.path);
}

Result<Json> Client::get(const ResourceType& type, std::string_view ns, std::string_view name,
                         const RequestOptions& options, std::stop_token stop) {
  HttpRequest request{Verb::kGet, object_path(type, ns, name), {}, {}, {}, options.timeout};
  return round_trip(std::move(request), stop);
}

Result<ListPage> Client::list(const ResourceType& type, std::string_view ns,
                              const ListOptions& options, std::stop_token stop) {
  HttpRequest request{Verb::kGet, collection_path(type, ns), {}, {}, {}, options.timeout};
  // A continue token carries the snapshot; the API refuses it together with resourceVersion.
  if (!options.continue_token.empty()) {
    request.query.emplace_back("continue", options.continue_token);
  } else if (!options.resource_version.empty()) {
    request.query.emplace_back("resourceVersion", options.resource_version);
  }
  if (options.limit > 0) request.query.emplace_back("limit", std::to_string(options.limit));
  if (!options.label_selector.empty()) {
    request.query.emplace_back("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    request.query.emplace_back("fieldSelector", options.field_selector);
  }
  auto body = round_trip(std::move(request), stop);
  if (!body) return std::unexpected(body.error());
  if (!body->is_object()) return invalid("list answer is not an object");
  ListPage page;
  page.resource_version = string_at(*body, "/metadata/resourceVersion");
  page.continue_token = string_at(*body, "/metadata/continue");
  if (auto items = body->find("items"); items != body->end() && items->is_array()) {
    page.items.reserve(items->size());
    for (auto& item : *items) page.items.push_back(std::move(item));
  }
  return page;
}

Result<WatchStream> Client::watch(const ResourceType& type, std::string_view ns,
                                  const WatchOptions& options, std::stop_token stop) {
  HttpRequest request{Verb::kGet, collection_path(type, ns), {{"watch", "true"}}, {}, {}, {}};
  if (!options.resource_version.empty()) {
    request.query.emplace_back("resourceVersion", options.resource_version);
  }
  if (options.allow_bookmarks) request.query.emplace_back("allowWatchBookmarks", "true");
  if (options.timeout_seconds > 0) {
    request.query.emplace_back("timeoutSeconds", std::to_string(options.timeout_seconds));
    // The server ends the stream then; a silent stream past this is dead (kube-rs adds the same).
    request.timeout = std::chrono::seconds(options.timeout_seconds) + kStreamGrace;
  }
  if (!options.label_selector.empty()) {
    request.query.emplace_back("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    request.query.emplace_back("fieldSelector", options.field_selector);
  }
  const MonotonicTime start = clock_.monotonic();
  for (int attempt = 0;; ++attempt) {
    auto opened = transport_.open_stream(request, stop);
    if (!opened) return std::unexpected(opened.error());
    log_warnings(request, opened->head);
    if (opened->head.status == 200 && opened->lines) return WatchStream(std::move(opened->lines));
    Duration wait{};
    if (!should_retry(opened->head, attempt, clock_.monotonic() - start, Duration::zero(), wait)) {
      return std::unexpected(error_from_response(opened->head));
    }
    if (!clock_.sleep_for(wait, stop)) return make_error(ErrorCode::kCancelled, "watch stopped");
  }
}

Result<Json> Client::create(const ResourceType& type, std::string_view ns, const Json& object,
                            const WriteOptions& options, std::stop_token stop) {
  const std::string object_ns = namespace_of(object);
  HttpRequest request{Verb::kPost,
                      collection_path(type, object_ns.empty() ? ns : object_ns),
                      {},
                      "application/json",
                      object.dump(),
                      options.timeout};
  add_field_manager(request, options.field_manager);
  return round_trip(std::move(request), stop);
}

Result<Json> Client::update(const ResourceType& type, const Json& object,
                            const WriteOptions& options, std::stop_token stop) {
  HttpRequest request{Verb::kPut,
                      object_path(type, namespace_of(object), name_of(object)),
                      {},
                      "application/json",
                      object.dump(),
                      options.timeout};
  add_field_manager(request, options.field_manager);
  return round_trip(std::move(request), stop);
}

Result<Json> Client::update_status(const ResourceType& type, const Json& object,
                                   const WriteOptions& options, std::stop_token stop) {
  HttpRequest request{Verb::kPut,
                      object_path(type, namespace_of(object), name_of(object), "status"),
                      {},
                      "application/json",
                      object.dump(),
                      options.timeout};
  add_field_manager(request, options.field_manager);
  return round_trip(std::move(request), stop);
}

Result<Json> Client::patch(const ResourceType& type, std::string_view ns, std::string_view name,
                           PatchType patch_type, const Json& body, const PatchOptions& options,
                           std::stop_token stop) {
  if (patch_type == PatchType::kApply && options.field_manager.empty()) {
    return invalid("server-side apply needs a field manager");
  }
  HttpRequest request{Verb::kPatch, object_path(type, ns, name, options.subresource),
                      {},           std::string(content_type_for(patch_type)),
                      body.dump(),  options.timeout};
  add_field_manager(request, options.field_manager);
  if (patch_type == PatchType::kApply && options.force) request.query.emplace_back("force", "true");
  return round_trip(std::move(request), stop);
}

Result<Json> Client::remove(const ResourceType& type, std::string_view ns, std::string_view name,
                            const DeleteOptions& options, std::stop_token stop) {
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  HttpRequest request{
      Verb::kDelete,  object_path(type, ns, name), {}, "application/json", body.dump(),
      options.timeout};
  return round_trip(std::move(request), stop);
}

}  // namespace orderops::kube
