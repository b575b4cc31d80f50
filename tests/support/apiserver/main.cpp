// orderops-test-apiserver: runs the in-memory Kubernetes API server until SIGTERM/SIGINT.
// Prints "admin listening on URL" (with --admin-port) and then "listening on URL" once ready.
#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/encoding.h"
#include "apiserver/http_listener.h"
#include "apiserver/kubeconfig.h"
#include "apiserver/server.h"
#include "apiserver/tls.h"
#include "common/flags.h"
#include "common/go_duration.h"

namespace {

using namespace orderops;
using namespace orderops::apiserver;

struct Flags {
  std::int64_t port = 0;
  std::string kubeconfig;
  bool tls = true;
  std::string token;
  std::string bookmark_interval = "60s";
  std::int64_t watch_history = 1000;
  std::int64_t admin_port = -1;
  bool log_requests = false;
};

int fail_usage(const std::string& message) {
  std::cerr << "orderops-test-apiserver: " << message << std::endl;
  return 2;
}

int run(const Flags& flags) {
  auto interval = parse_go_duration(flags.bookmark_interval);
  if (!interval || *interval <= Duration::zero()) {
    return fail_usage("--bookmark-interval: " +
                      (interval ? std::string("must be positive") : interval.error().message));
  }
  if (flags.watch_history <= 0) return fail_usage("--watch-history: must be positive");
  if (flags.port < 0 || flags.port > 65535) return fail_usage("--port: out of range");

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  ServerOptions options{flags.token.empty() ? random_hex(24) : flags.token,
                        std::chrono::duration_cast<std::chrono::milliseconds>(*interval),
                        static_cast<size_t>(flags.watch_history), flags.log_requests};
  ApiServer server(options, clock);

  std::optional<TlsMaterial> tls;
  std::string ca_pem;
  if (flags.tls) {
    auto generated = generate_tls();
    if (!generated) {
      std::cerr << generated.error().message << std::endl;
      return 1;
    }
    ca_pem = generated->ca_certificate_pem;
    tls = TlsMaterial{generated->server_certificate_pem, generated->server_private_key_pem};
  }
  HttpListener api([&server](const HttpRequest& r) { return server.handle(r); }, tls);
  if (auto s = api.start(static_cast<std::uint16_t>(flags.port)); !s) {
    std::cerr << s.error().message << std::endl;
    return 1;
  }
  std::optional<HttpListener> admin;
  if (flags.admin_port >= 0) {
    admin.emplace([&server](const HttpRequest& r) { return server.handle_admin(r); }, std::nullopt);
    if (auto s = admin->start(static_cast<std::uint16_t>(flags.admin_port)); !s) {
      std::cerr << s.error().message << std::endl;
      return 1;
    }
  }
  const std::string host = "127.0.0.1:" + std::to_string(api.port());
  server.set_host(host);
  const std::string url = (flags.tls ? "https://" : "http://") + host;
  if (!flags.kubeconfig.empty()) {
    if (auto s = write_kubeconfig(flags.kubeconfig, {url, ca_pem, options.token}); !s) {
      std::cerr << s.error().message << std::endl;
      return 1;
    }
  }
  if (admin) std::cout << "admin listening on http://127.0.0.1:" << admin->port() << "\n";
  std::cout << "listening on " << url << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  server.shutdown();
  if (admin) admin->stop();
  api.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  orderops::FlagSet set("orderops-test-apiserver");
  set.add_int("--port", &flags.port, "port on 127.0.0.1 (0 picks a free port)");
  set.add_string("--write-kubeconfig", &flags.kubeconfig, "write a kubeconfig for this server");
  set.add_bool("--tls", &flags.tls, "serve HTTPS with a generated CA (default true)");
  set.add_string("--token", &flags.token, "bearer token clients must send (default: random)");
  set.add_string("--bookmark-interval", &flags.bookmark_interval,
                 "interval between watch BOOKMARK events (Go duration, default 60s)");
  set.add_int("--watch-history", &flags.watch_history,
              "events kept for watch resume and paging (default 1000)");
  set.add_int("--admin-port", &flags.admin_port,
              "port of the fault-injection admin API (0 picks a free port; off when absent)");
  set.add_bool("--log-requests", &flags.log_requests, "log every request to stderr");
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto positional = set.parse(args);
  if (!positional) return orderops::report_flag_error(positional.error());
  if (!positional->empty()) return fail_usage("unexpected argument " + positional->front());
  return run(flags);
}
