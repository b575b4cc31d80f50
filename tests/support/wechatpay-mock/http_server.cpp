#include "http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <list>
#include <mutex>
#include <thread>

namespace orderops::wechatpay::mock {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

ServerRequest convert(const http::request<http::string_body>& req) {
  ServerRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = req.body();
  return out;
}

http::response<http::string_body> build(const ServerResponse& r, unsigned version,
                                        bool keep_alive) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.body() = r.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// Serves one connection until the peer closes, an error, a drop, or stop().
template <class Stream>
void serve(Stream& stream, const Handler& handler) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec) return;
    const auto& req = parser.get();
    const ServerResponse response = handler(convert(req));
    if (response.drop_connection) return;
    auto res = build(response, req.version(), req.keep_alive());
    http::write(stream, res, ec);
    if (ec || !res.keep_alive()) return;
  }
}

}  // namespace

std::optional<std::string> ServerRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

struct HttpServer::State {
  Handler handler;
  std::optional<asio::ssl::context> tls;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::mutex mu;
  std::list<std::shared_ptr<tcp::socket>> sockets;  // open connections, for stop()
  struct Worker {
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
    std::jthread thread;
  };
  std::list<Worker> workers;
  std::jthread accept_thread;
  bool stopping = false;

  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io);
      beast::error_code ec;
      acceptor.accept(*socket, ec);
      std::lock_guard lock(mu);
      if (stopping) return;
      if (ec) continue;
      socket->set_option(tcp::no_delay(true), ec);
      sockets.push_back(socket);
      // Finished connections' threads are reaped lazily: joining them here is instant.
      workers.remove_if([](const Worker& w) { return w.done->load(); });
      Worker& w = workers.emplace_back();
      w.thread = std::jthread([this, socket, done = w.done] {
        run_connection(socket);
        *done = true;
      });
    }
  }

  void run_connection(const std::shared_ptr<tcp::socket>& socket) {
    if (tls) {
      beast::ssl_stream<tcp::socket&> stream(*socket, *tls);
      beast::error_code ec;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) serve(stream, handler);
      stream.shutdown(ec);
    } else {
      serve(*socket, handler);
    }
    beast::error_code ec;
    socket->shutdown(tcp::socket::shutdown_both, ec);
    socket->close(ec);
    std::lock_guard lock(mu);
    sockets.remove(socket);
  }
};

HttpServer::HttpServer(Handler handler, std::optional<TlsIdentity> tls)
    : state_(std::make_unique<State>()) {
  state_->handler = std::move(handler);
  if (tls) {
    state_->tls.emplace(asio::ssl::context::tls_server);
    state_->tls->use_certificate_chain(asio::buffer(tls->certificate_pem));
    state_->tls->use_private_key(asio::buffer(tls->private_key_pem), asio::ssl::context::pem);
  }
}

HttpServer::~HttpServer() { stop(); }

Result<int> HttpServer::start(const std::string& host, int port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return invalid("bad listen address " + host);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, "listen on " + host + ": " + ec.message());
  const int bound = acceptor.local_endpoint().port();
  state_->accept_thread = std::jthread([this] { state_->accept_loop(); });
  return bound;
}

void HttpServer::stop() {
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping) return;
    state_->stopping = true;
    beast::error_code ec;
    // shutdown() wakes a thread blocked in accept(); close() alone does not on Linux.
    if (state_->acceptor.is_open()) ::shutdown(state_->acceptor.native_handle(), SHUT_RDWR);
    for (auto& s : state_->sockets) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  if (state_->accept_thread.joinable()) state_->accept_thread.join();
  beast::error_code ec;
  state_->acceptor.close(ec);
  std::list<State::Worker> workers;
  {
    std::lock_guard lock(state_->mu);
    workers.swap(state_->workers);
  }
  workers.clear();  // joins
}

}  // namespace orderops::wechatpay::mock
