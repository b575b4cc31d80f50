// orderops-wechatpay-mock: a local WeChat Pay API v3 (profit sharing) server for tests and the
// demo. See README.md for flags, files and the admin API.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/flags.h"
#include "common/time_format.h"
#include "http_server.h"
#include "mock_keys.h"
#include "mock_service.h"

namespace {

using namespace orderops;
using namespace orderops::wechatpay::mock;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Flags {
  std::string host = "127.0.0.1";
  std::int64_t port = 0;
  bool tls = false;
  std::string state_dir;
  std::string clock = "system";
  std::string mch_id = "1900009191";
  std::string sign_mode = "certificate";
  bool no_certificates = false;
  std::int64_t processing_delay = 0;
  bool verbose = false;
};

Result<MockOptions> options_from(const Flags& f) {
  MockOptions o;
  o.mch_id = f.mch_id;
  o.state_dir = f.state_dir;
  o.sign_mode = f.sign_mode;
  o.certificates = !f.no_certificates;
  o.processing_delay_s = static_cast<int>(f.processing_delay);
  o.verbose = f.verbose;
  if (f.clock.starts_with("fixed:")) {
    auto t = parse_rfc3339(f.clock.substr(6));
    if (!t) return invalid("--clock: " + t.error().message);
    o.fixed_time = *t;
  } else if (f.clock != "system") {
    return invalid("--clock: want system or fixed:<RFC3339>");
  }
  if (f.sign_mode != "certificate" && f.sign_mode != "public-key") {
    return invalid("--sign-mode: want certificate or public-key");
  }
  if (f.state_dir.empty()) return invalid("--state-dir is required");
  return o;
}

int run(int argc, char** argv) {
  Flags f;
  FlagSet flags("orderops-wechatpay-mock");
  flags.add_string("--host", &f.host, "listen address (default 127.0.0.1)");
  flags.add_int("--port", &f.port, "listen port; 0 picks a free one");
  flags.add_bool("--tls", &f.tls, "serve HTTPS with a generated certificate (ca.crt)");
  flags.add_string("--state-dir", &f.state_dir, "where keys and certificates are written");
  flags.add_string("--clock", &f.clock, "system or fixed:<RFC3339>");
  flags.add_string("--mchid", &f.mch_id, "the merchant id the mock serves");
  flags.add_string("--sign-mode", &f.sign_mode,
                   "key for answers to requests naming none: certificate or public-key");
  flags.add_bool("--no-certificates", &f.no_certificates,
                 "a merchant with only a WeChat Pay public key (no platform certificates)");
  flags.add_int("--processing-delay", &f.processing_delay,
                "seconds (mock time) before a PROCESSING order finishes");
  flags.add_bool("--verbose", &f.verbose, "log each request to stderr");
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto positional = flags.parse(args);
  if (!positional) return report_flag_error(positional.error());
  auto options = options_from(f);
  if (!options) {
    std::cerr << options.error().message << "\n" << flags.usage();
    return kExitUsage;
  }
  const SystemTime start = options->fixed_time.value_or(SystemClock().now());
  auto keys = generate_keys(f.mch_id, f.tls, start);
  if (!keys) {
    std::cerr << keys.error().message << "\n";
    return kExitFailure;
  }
  const auto tls = keys->tls;

  // Signals are taken synchronously by this thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  MockService service(*options, std::move(*keys));
  HttpServer server([&](const ServerRequest& r) { return service.handle(r); }, tls);
  auto port = server.start(f.host, static_cast<int>(f.port));
  if (!port) {
    std::cerr << port.error().message << "\n";
    return kExitFailure;
  }
  const std::string url =
      std::string(f.tls ? "https" : "http") + "://" + f.host + ":" + std::to_string(*port);
  service.set_base_url(url);
  if (auto st = service.write_state(url); !st) {
    std::cerr << st.error().message << "\n";
    return kExitFailure;
  }
  std::cout << "listening on " << url << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
