// ApiServer: the in-memory Kubernetes API server behind one HTTP handler. It authenticates the
// bearer token, applies injected faults, and routes discovery, OpenAPI and resource requests;
// a second handler serves the admin (fault injection) API. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "apiserver/http_types.h"
#include "common/clock.h"

namespace orderops::apiserver {

struct ServerOptions {
  std::string token;
  std::chrono::milliseconds bookmark_interval{60000};
  size_t watch_history = 1000;
  bool log_requests = false;
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, const Clock& clock);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // The Kubernetes API. `host` is "127.0.0.1:<port>" for discovery's serverAddress.
  HttpResponse handle(const HttpRequest& request);
  // The admin API (see README.md).
  HttpResponse handle_admin(const HttpRequest& request);
  void set_host(std::string host);
  // Ends every watch and hanging request so connection threads can finish.
  void shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::apiserver
