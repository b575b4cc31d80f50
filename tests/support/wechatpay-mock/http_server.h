// A small HTTP/1.1 server (Boost.Beast, not cpprestsdk's listener: the mock must see raw
// request-target bytes and be able to drop a connection unanswered); TCP or TLS, keep-alive.
// Thread-safe: the handler is called concurrently from one thread per connection.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace orderops::wechatpay::mock {

struct ServerRequest {
  std::string method;
  std::string target;  // raw, undecoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Case-insensitive; nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop_connection = false;  // close without writing anything
};

using Handler = std::function<ServerResponse(const ServerRequest&)>;

struct TlsIdentity {
  std::string certificate_pem;
  std::string private_key_pem;
};

class HttpServer {
 public:
  HttpServer(Handler handler, std::optional<TlsIdentity> tls);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting on a background thread; returns the bound port.
  Result<int> start(const std::string& host, int port);
  // Closes the listener and every open connection, then joins all threads.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace orderops::wechatpay::mock
