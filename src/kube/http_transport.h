// The real Transport: HTTP/1.1 over cpprestsdk with OpenSSL, behind a pimpl so cpprest
// never reaches other headers. Thread-safe.
#pragma once

#include <memory>

#include "common/clock.h"
#include "common/log.h"
#include "kube/config.h"
#include "kube/transport.h"

namespace orderops::kube {

struct HttpTransportOptions {
  Duration default_timeout = std::chrono::seconds(30);
  // How long a stream request may wait for its response headers (the API server sends them at
  // once; a server that does not is hung).
  Duration stream_header_timeout = std::chrono::seconds(30);
  std::string user_agent = "orderops";
};

// The real Transport: HTTP/1.1 over cpprestsdk with OpenSSL, Bearer auth (token file re-read
// every 60 s and after a 401), client-side QPS/burst, per-request deadlines and watch streams read
// as they arrive. cpprest stays behind this pimpl so it never reaches other headers. TLS peer
// verification is always on; a configured CA replaces the system roots, as in client-go.
// Thread-safe.
class HttpTransport final : public Transport {
 public:
  // Checks the certificates and keys of `config` up front so a bad kubeconfig fails at start.
  static Result<std::unique_ptr<HttpTransport>> create(const ClusterConfig& config,
                                                       const Clock& clock, Logger log,
                                                       HttpTransportOptions options = {});
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  Result<HttpResponse> send(const HttpRequest& request, std::stop_token stop) override;
  Result<StreamResponse> open_stream(const HttpRequest& request, std::stop_token stop) override;

  struct Impl;

 private:
  explicit HttpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::kube
