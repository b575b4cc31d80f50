// A small HTTP/1.1 server (plain or TLS) on loopback that hands each request to an HttpHandler and
// can stream chunked responses (watches). One thread per connection: a test server holds a few
// dozen connections at most, and blocking code keeps watch streaming and fault injection simple.
//
// Why Boost.Beast and not cpprestsdk's http_listener (design.md's default): the listener cannot
// report the port it bound for port 0, cannot tell a streaming handler that the client went away
// (cpprestsdk issue 838), and cannot drop a connection abruptly, which the admin endpoint needs.
// Thread-safe: start() once, stop() from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "apiserver/http_types.h"
#include "common/error.h"

namespace orderops::apiserver {

struct TlsMaterial {
  std::string certificate_chain_pem;
  std::string private_key_pem;
};

class HttpListener {
 public:
  // `tls` absent: plain HTTP. The handler runs on connection threads, concurrently.
  HttpListener(HttpHandler handler, std::optional<TlsMaterial> tls);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Binds 127.0.0.1:port (0 = a free port) and starts accepting.
  Status start(std::uint16_t port);
  std::uint16_t port() const;
  // Stops accepting, shuts every connection down, joins all threads. Idempotent.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::apiserver
