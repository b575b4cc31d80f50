#include "apiserver/server.h"

#include <iostream>
#include <mutex>

#include "apiserver/admin.h"
#include "apiserver/discovery.h"
#include "apiserver/encoding.h"
#include "apiserver/fault_injector.h"
#include "apiserver/handlers.h"
#include "apiserver/offset_clock.h"
#include "apiserver/openapi.h"
#include "common/time_format.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

bool is_public(const std::string& path) {
  return path == "/version" || path == "/healthz" || path == "/livez" || path == "/readyz";
}

ApiError injected(const FaultRule& rule) {
  switch (rule.status) {
    case 409:
      return ApiError{409,
                      "Conflict",
                      "Operation cannot be fulfilled: the object has been modified; please apply "
                      "your changes to the latest version and try again",
                      {},
                      {}};
    case 429:
      return too_many_requests(rule.retry_after_seconds);
    case 410:
      return expired("too old resource version");
    case 503:
      return ApiError{503,
                      "ServiceUnavailable",
                      "the server is currently unable to handle the request",
                      {},
                      {}};
    case 504:
      return timeout_error("the server was unable to return a response in the time allotted", "");
    default:
      return internal_error("injected fault");
  }
}

}  // namespace

class ApiServer::Impl {
 public:
  Impl(ServerOptions options, const Clock& clock)
      : options_(std::move(options)),
        clock_(clock),
        store_(hub_, options_.watch_history),
        handlers_(registry_, store_, clock_, options_.bookmark_interval),
        discovery_(registry_),
        openapi_(registry_),
        admin_(faults_, store_, clock_) {
    bootstrap();
  }

  HttpResponse handle(const HttpRequest& req) {
    HttpResponse res = handle_unlogged(req);
    if (options_.log_requests) {
      std::lock_guard lock(log_mu_);
      std::cerr << req.method << " " << req.path << " " << res.status << std::endl;
    }
    return res;
  }

  HttpResponse handle_unlogged(const HttpRequest& req) {
    const auto delay = faults_.latency(req.method, req.path);
    if (delay.count() > 0) faults_.sleep_for(delay);
    if (auto fault = faults_.take(req.method, req.path)) {
      if (fault->hang.count() > 0) faults_.sleep_for(fault->hang);
      if (fault->status != 0) return error_response(injected(*fault));
    }
    const std::string auth = req.header("authorization");
    if (!auth.empty() && auth != "Bearer " + options_.token) return error_response(unauthorized());
    if (auth.empty() && !is_public(req.path)) return error_response(unauthorized());
    if (req.path == "/healthz" || req.path == "/livez" || req.path == "/readyz") {
      return HttpResponse{200, {{"Content-Type", "text/plain; charset=utf-8"}}, "ok", {}};
    }
    std::string host;
    {
      std::lock_guard lock(host_mu_);
      host = host_;
    }
    // Third-party exceptions stop here: a body of the wrong shape is the client's error.
    try {
      if (auto r = discovery_.handle(req, host)) return *r;
      if (auto r = openapi_.handle(req)) return *r;
      return route(req);
    } catch (const nlohmann::json::exception& e) {
      return error_response(bad_request(std::string("the object is malformed: ") + e.what()));
    } catch (const std::exception& e) {
      return error_response(internal_error(e.what()));
    }
  }

  HttpResponse handle_admin(const HttpRequest& req) { return admin_.handle(req); }

  void set_host(std::string host) {
    std::lock_guard lock(host_mu_);
    host_ = std::move(host);
  }

  void shutdown() {
    faults_.stop();
    hub_.close_all(WatchClose::kClean);
  }

 private:
  void bootstrap() {
    auto txn = store_.begin();
    for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      json ns = {{"apiVersion", "v1"},
                 {"kind", "Namespace"},
                 {"metadata",
                  {{"name", name},
                   {"uid", random_uuid()},
                   {"creationTimestamp", format_rfc3339(clock_.now())},
                   {"labels", {{"kubernetes.io/metadata.name", name}}}}},
                 {"spec", {{"finalizers", json::array({"kubernetes"})}}},
                 {"status", {{"phase", "Active"}}}};
      txn.create("/namespaces", ns);
    }
  }

  HttpResponse route(const HttpRequest& req) {
    std::vector<std::string> segs;
    size_t start = 1;
    while (start <= req.path.size()) {
      size_t slash = req.path.find('/', start);
      if (slash == std::string::npos) slash = req.path.size();
      if (slash > start) segs.push_back(req.path.substr(start, slash - start));
      start = slash + 1;
    }
    std::string group, version;
    size_t i = 0;
    if (segs.size() >= 3 && segs[0] == "api") {
      version = segs[1];
      i = 2;
    } else if (segs.size() >= 4 && segs[0] == "apis") {
      group = segs[1];
      version = segs[2];
      i = 3;
    } else {
      return error_response(path_not_found());
    }
    HttpRequest copy = req;
    if (segs[i] == "watch") {
      copy.query.emplace("watch", "true");
      ++i;
    }
    std::vector<std::string> rest(segs.begin() + static_cast<long>(i), segs.end());
    std::string ns;
    if (rest.size() >= 3 && rest[0] == "namespaces") {
      const auto t = registry_.find(group, version, rest[2]);
      if (t && t->namespaced) {
        ns = rest[1];
        rest.erase(rest.begin(), rest.begin() + 2);
      }
    }
    if (rest.empty() || rest.size() > 3) return error_response(path_not_found());
    const auto type = registry_.find(group, version, rest[0]);
    if (!type || (type->namespaced == false && !ns.empty()))
      return error_response(path_not_found());
    const std::string name = rest.size() > 1 ? rest[1] : "";
    const std::string sub = rest.size() > 2 ? rest[2] : "";
    if (!sub.empty() && (sub != "status" || !type->status_subresource)) {
      return error_response(path_not_found());
    }
    if (type->namespaced && ns.empty() && (!name.empty() || req.method == "POST")) {
      return error_response(path_not_found());
    }
    const bool watch = parse_go_bool(copy.param("watch").value_or("false")).value_or(false);
    if (watch && !name.empty()) {
      copy.query.emplace("fieldSelector", "metadata.name=" + name);
    }
    ResourceRequest r{type, ns, watch ? "" : name, sub, copy};
    const std::string& m = req.method;
    if (m == "GET" && watch) return handlers_.watch(r);
    if (name.empty()) {
      if (m == "GET") return handlers_.list(r);
      if (m == "POST") return handlers_.create(r);
      if (m == "DELETE") return handlers_.remove_collection(r);
    } else {
      if (m == "GET") return handlers_.get(r);
      if (m == "PUT") return handlers_.update(r);
      if (m == "PATCH") return handlers_.patch(r);
      if (m == "DELETE") return handlers_.remove(r);
    }
    return error_response(method_not_supported(type->group, type->plural, m));
  }

  ServerOptions options_;
  OffsetClock clock_;
  FaultInjector faults_;
  Registry registry_;
  WatchHub hub_;
  Store store_;
  ResourceHandlers handlers_;
  Discovery discovery_;
  OpenApi openapi_;
  AdminApi admin_;
  std::mutex host_mu_;
  std::string host_;
  std::mutex log_mu_;

  friend class ApiServer;
};

ApiServer::ApiServer(ServerOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {}
ApiServer::~ApiServer() = default;
HttpResponse ApiServer::handle(const HttpRequest& request) { return impl_->handle(request); }
HttpResponse ApiServer::handle_admin(const HttpRequest& request) {
  return impl_->handle_admin(request);
}
void ApiServer::set_host(std::string host) { impl_->set_host(std::move(host)); }
void ApiServer::shutdown() { impl_->shutdown(); }

}  // namespace orderops::apiserver
