// The manager's HTTP endpoints: /metrics and /healthz + /readyz, served by civetweb.
// Thread-safe; stopping is destruction.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "metrics/metrics.h"

namespace orderops::metrics {

// The two HTTP endpoints of the manager: /metrics (prometheus-cpp's Exposer) on
// --metrics-bind-address and /healthz + /readyz on --health-probe-bind-address. Both are served
// by civetweb, which prometheus-cpp already brings: it reports the port actually bound (tests
// bind port 0) and answers from its own small thread pool. Addresses take Go's form (":8080",
// "127.0.0.1:8081"); "0" disables the endpoint. Thread-safe; stopping is destruction.
// ":8080" -> "8080", "127.0.0.1:8081" -> "127.0.0.1:8081" (civetweb listening_ports syntax).
Result<std::string> civetweb_listen_spec(std::string_view bind_address);

class MetricsEndpoint {
 public:
  static Result<std::unique_ptr<MetricsEndpoint>> start(std::string_view bind_address,
                                                        Metrics& metrics);
  ~MetricsEndpoint();
  int port() const { return port_; }

  struct Impl;

 private:
  MetricsEndpoint(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_;
};

class ProbeEndpoint {
 public:
  // /healthz answers 200 while healthy() (the process is alive and not stuck), /readyz while
  // ready() (the caches have synced); 500 otherwise.
  static Result<std::unique_ptr<ProbeEndpoint>> start(std::string_view bind_address,
                                                      std::function<bool()> healthy,
                                                      std::function<bool()> ready);
  ~ProbeEndpoint();
  int port() const { return port_; }

  struct Impl;

 private:
  ProbeEndpoint(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace orderops::metrics
