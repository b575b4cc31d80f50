#include "apiserver/http_listener.h"

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <mutex>
#include <thread>

namespace orderops::apiserver {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr std::uint64_t kBodyLimit = 64ull << 20;
constexpr int kAcceptPollMillis = 100;

bool peer_hung_up(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

template <class Stream>
class StreamSink final : public ChunkSink {
 public:
  StreamSink(Stream& stream, int fd) : stream_(stream), fd_(fd) {}
  bool write(std::string_view data) override {
    if (failed_) return false;
    beast::error_code ec;
    net::write(stream_, http::make_chunk(net::buffer(data.data(), data.size())), ec);
    if (ec) failed_ = true;
    return !failed_;
  }
  bool peer_closed() override { return failed_ || peer_hung_up(fd_); }
  void abort() override {
    aborted_ = true;
    failed_ = true;
    ::shutdown(fd_, SHUT_RDWR);
  }
  bool failed() const { return failed_; }
  bool aborted() const { return aborted_; }

 private:
  Stream& stream_;
  int fd_;
  bool failed_ = false;
  bool aborted_ = false;
};

HttpRequest to_request(const http::request<http::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  const std::string_view target(req.target().data(), req.target().size());
  const size_t q = target.find('?');
  out.path = percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) out.query = parse_query(target.substr(q + 1));
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += "," + std::string(field.value());
  }
  out.body = req.body();
  return out;
}

}  // namespace

class HttpListener::Impl {
 public:
  Impl(HttpHandler handler, std::optional<TlsMaterial> tls)
      : handler_(std::move(handler)), acceptor_(ioc_) {
    if (tls) {
      ssl_ctx_.emplace(ssl::context::tls_server);
      ssl_ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                            ssl::context::no_tlsv1_1);
      ssl_ctx_->use_certificate_chain(
          net::buffer(tls->certificate_chain_pem.data(), tls->certificate_chain_pem.size()));
      ssl_ctx_->use_private_key(
          net::buffer(tls->private_key_pem.data(), tls->private_key_pem.size()), ssl::context::pem);
    }
  }

  Status start(std::uint16_t port) {
    beast::error_code ec;
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return make_error(ErrorCode::kUnavailable,
                        "listen on 127.0.0.1:" + std::to_string(port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::jthread([this](std::stop_token stop) { accept_loop(stop); });
    return {};
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    if (stopped_.exchange(true)) return;
    accept_thread_.request_stop();
    if (accept_thread_.joinable()) accept_thread_.join();
    std::list<std::unique_ptr<Connection>> conns;
    {
      std::lock_guard lock(mu_);
      for (auto& c : conns_) {
        c->thread.request_stop();
        ::shutdown(c->fd, SHUT_RDWR);
      }
      conns.swap(conns_);
    }
    conns.clear();  // joins
    beast::error_code ec;
    acceptor_.close(ec);
  }

 private:
  struct Connection {
    int fd = -1;
    std::atomic<bool> done{false};
    std::jthread thread;
  };

  void accept_loop(std::stop_token stop) {
    while (!stop.stop_requested()) {
      pollfd p{acceptor_.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, kAcceptPollMillis) <= 0) {
        reap();
        continue;
      }
      beast::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) continue;
      socket.set_option(tcp::no_delay(true), ec);
      auto conn = std::make_unique<Connection>();
      conn->fd = socket.native_handle();
      Connection* raw = conn.get();
      std::lock_guard lock(mu_);
      raw->thread = std::jthread([this, raw, s = std::move(socket)](std::stop_token st) mutable {
        run_connection(std::move(s), st);
        raw->done = true;
      });
      conns_.push_back(std::move(conn));
    }
  }

  void reap() {
    std::list<std::unique_ptr<Connection>> finished;
    {
      std::lock_guard lock(mu_);
      for (auto it = conns_.begin(); it != conns_.end();) {
        if ((*it)->done) {
          finished.push_back(std::move(*it));
          it = conns_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  void run_connection(tcp::socket socket, std::stop_token stop) {
    const int fd = socket.native_handle();
    if (!ssl_ctx_) {
      serve(socket, fd, stop);
    } else {
      ssl::stream<tcp::socket> stream(std::move(socket), *ssl_ctx_);
      beast::error_code ec;
      stream.handshake(ssl::stream_base::server, ec);
      if (!ec) serve(stream, fd, stop);
      stream.next_layer().close(ec);
      return;
    }
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  template <class Stream>
  void serve(Stream& stream, int fd, std::stop_token stop) {
    beast::flat_buffer buffer;
    while (!stop.stop_requested()) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      beast::error_code ec;
      http::read(stream, buffer, parser, ec);
      if (ec) return;
      const auto& req = parser.get();
      const bool keep_alive = req.keep_alive();
      HttpResponse res;
      try {
        res = handler_(to_request(req));
      } catch (const std::exception& e) {
        res = HttpResponse{500, {{"Content-Type", "text/plain"}}, e.what(), {}};
      }
      if (res.stream) {
        if (!write_stream(stream, fd, res, keep_alive)) return;
      } else if (!write_plain(stream, res, keep_alive)) {
        return;
      }
      if (!keep_alive) return;
    }
  }

  template <class Stream>
  bool write_plain(Stream& stream, const HttpResponse& res, bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), 11};
    for (const auto& [name, value] : res.headers) out.set(name, value);
    out.keep_alive(keep_alive);
    out.body() = res.body;
    out.prepare_payload();
    beast::error_code ec;
    http::write(stream, out, ec);
    return !ec;
  }

  template <class Stream>
  bool write_stream(Stream& stream, int fd, const HttpResponse& res, bool keep_alive) {
    http::response<http::empty_body> head{static_cast<http::status>(res.status), 11};
    for (const auto& [name, value] : res.headers) head.set(name, value);
    head.keep_alive(keep_alive);
    head.chunked(true);
    http::response_serializer<http::empty_body> serializer{head};
    beast::error_code ec;
    http::write_header(stream, serializer, ec);
    if (ec) return false;
    StreamSink<Stream> sink(stream, fd);
    res.stream(sink);
    if (sink.failed()) return false;
    net::write(stream, http::make_chunk_last(), ec);
    return !ec;
  }

  HttpHandler handler_;
  net::io_context ioc_;
  std::optional<ssl::context> ssl_ctx_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::jthread accept_thread_;
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> conns_;
};

HttpListener::HttpListener(HttpHandler handler, std::optional<TlsMaterial> tls)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(tls))) {}
HttpListener::~HttpListener() { impl_->stop(); }
Status HttpListener::start(std::uint16_t port) { return impl_->start(port); }
std::uint16_t HttpListener::port() const { return impl_->port(); }
void HttpListener::stop() { impl_->stop(); }

}  // namespace orderops::apiserver
