#include "metrics/http_endpoints.h"

#include <CivetServer.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace orderops::metrics {
namespace {

class ProbeHandler final : public CivetHandler {
 public:
  explicit ProbeHandler(std::function<bool()> check) : check_(std::move(check)) {}
  bool handleGet(CivetServer*, struct mg_connection* conn) override {
    const bool ok = check_();
    const std::string_view body = ok ? "ok\n" : "not ready\n";
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
              ok ? 200 : 500, ok ? "OK" : "Internal Server Error", body.size());
    mg_write(conn, body.data(), body.size());
    return true;
  }

 private:
  std::function<bool()> check_;
};

int first_port(const std::vector<int>& ports) { return ports.empty() ? 0 : ports.front(); }

// civetweb's master thread notices a stop request only between poll() rounds of up to a couple of
// seconds. Connecting to the port while it stops makes it look at once, so shutdown is quick.
void stop_with_wakeups(int port, const std::function<void()>& stop) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::jthread stopper([&] {
    stop();
    std::lock_guard lock(mu);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  while (!done && port > 0) {
    lock.unlock();
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0) {
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      close(fd);
    }
    lock.lock();
    cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return done; });
  }
}

}  // namespace

Result<std::string> civetweb_listen_spec(std::string_view bind_address) {
  const auto colon = bind_address.rfind(':');
  if (colon == std::string_view::npos) {
    return invalid("bind address \"" + std::string(bind_address) + "\": want [host]:port");
  }
  const std::string_view host = bind_address.substr(0, colon);
  const std::string_view port = bind_address.substr(colon + 1);
  int value = -1;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value < 0 ||
      value > 65535) {
    return invalid("bind address \"" + std::string(bind_address) + "\": bad port");
  }
  if (host.empty() || host == "0.0.0.0") return std::string(port);
  return std::string(bind_address);
}

struct MetricsEndpoint::Impl {
  std::unique_ptr<prometheus::Exposer> exposer;
};

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}
MetricsEndpoint::~MetricsEndpoint() {
  stop_with_wakeups(port_, [this] { impl_->exposer.reset(); });
}

Result<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::start(std::string_view bind_address,
                                                                Metrics& metrics) {
  auto spec = civetweb_listen_spec(bind_address);
  if (!spec) return std::unexpected(spec.error());
  auto impl = std::make_unique<Impl>();
  try {
    impl->exposer = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", *spec, "num_threads", "2"});
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kUnavailable,
                      "metrics endpoint on " + std::string(bind_address) + ": " + e.what());
  }
  impl->exposer->RegisterCollectable(metrics.shared_registry());
  const int port = first_port(impl->exposer->GetListeningPorts());
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(impl), port));
}

struct ProbeEndpoint::Impl {
  Impl(std::function<bool()> healthy, std::function<bool()> ready)
      : healthz(std::move(healthy)), readyz(std::move(ready)) {}
  ProbeHandler healthz;
  ProbeHandler readyz;
  std::unique_ptr<CivetServer> server;  // destroyed first: stops serving before the handlers go
};

ProbeEndpoint::ProbeEndpoint(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}
ProbeEndpoint::~ProbeEndpoint() {
  stop_with_wakeups(port_, [this] { impl_->server->close(); });
}

Result<std::unique_ptr<ProbeEndpoint>> ProbeEndpoint::start(std::string_view bind_address,
                                                            std::function<bool()> healthy,
                                                            std::function<bool()> ready) {
  auto spec = civetweb_listen_spec(bind_address);
  if (!spec) return std::unexpected(spec.error());
  auto impl = std::make_unique<Impl>(std::move(healthy), std::move(ready));
  try {
    impl->server = std::make_unique<CivetServer>(
        std::vector<std::string>{"listening_ports", *spec, "num_threads", "2"});
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kUnavailable,
                      "probe endpoint on " + std::string(bind_address) + ": " + e.what());
  }
  impl->server->addHandler("/healthz", impl->healthz);
  impl->server->addHandler("/readyz", impl->readyz);
  const int port = first_port(impl->server->getListeningPorts());
  return std::unique_ptr<ProbeEndpoint>(new ProbeEndpoint(std::move(impl), port));
}

}  // namespace orderops::metrics
