#include "support/wechatpay-mock/mock_harness.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "wechatpay/endpoint.h"
#include "wechatpay/http_transport.h"

namespace orderops::wechatpay::testing {
namespace {

constexpr int kStartTimeoutMs = 60'000;  // key generation on a busy 2-core machine
constexpr std::string_view kBanner = "listening on ";

std::string binary_path() {
  const char* dir = std::getenv("ORDEROPS_BIN_DIR");
  return std::string(dir ? dir : "build/bin") + "/orderops-wechatpay-mock";
}

// Reads the child's stdout until the banner line; returns the URL.
Result<std::string> await_banner(int fd) {
  std::string buffer;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kStartTimeoutMs) <= 0) {
      return make_error(ErrorCode::kTimeout, "mock did not print its banner");
    }
    char chunk[512];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return make_error(ErrorCode::kUnavailable, "mock exited before listening");
    buffer.append(chunk, static_cast<std::size_t>(n));
    const auto pos = buffer.find(kBanner);
    const auto eol = pos == std::string::npos ? pos : buffer.find('\n', pos);
    if (eol != std::string::npos) {
      return buffer.substr(pos + kBanner.size(), eol - pos - kBanner.size());
    }
  }
}

}  // namespace

Result<std::unique_ptr<MockServer>> MockServer::start(const MockServerOptions& options) {
  std::unique_ptr<MockServer> server(new MockServer());
  char tmpl[] = "/tmp/orderops-wechatpay-mock-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return make_error(ErrorCode::kInternal, "mkdtemp failed");
  server->state_dir_ = tmpl;
  std::vector<std::string> args = {binary_path(), "--port", "0", "--state-dir", server->state_dir_};
  if (options.tls) args.push_back("--tls");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  int out[2];
  if (::pipe(out) != 0) return make_error(ErrorCode::kInternal, "pipe failed");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return make_error(ErrorCode::kInternal, "fork failed");
  if (pid == 0) {
    // No orphaned servers when the test binary crashes or is killed by its ctest timeout.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  server->pid_ = pid;
  auto url = await_banner(out[0]);
  ::close(out[0]);
  if (!url) return std::unexpected(url.error().wrap(args[0]));
  server->url_ = *url;
  auto endpoint = parse_endpoint(server->url_);
  if (!endpoint) return std::unexpected(endpoint.error());
  auto transport = make_http_transport({endpoint->origin, server->ca_pem()});
  if (!transport) return std::unexpected(transport.error());
  server->transport_ = std::move(*transport);
  return server;
}

MockServer::~MockServer() {
  transport_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // up to 5 s, then force
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      ::usleep(50'000);
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  if (!state_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(state_dir_, ec);
  }
}

std::string MockServer::read_state_file(const std::string& name) const {
  std::ifstream in(state_dir_ + "/" + name, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

MerchantCredentials MockServer::credentials(bool public_key_mode) const {
  MerchantCredentials c;
  c.mch_id = read_state_file("mch_id");
  c.merchant_serial_no = read_state_file("merchant_serial_no");
  c.private_key_pem = read_state_file("apiclient_key.pem");
  c.apiv3_key = read_state_file("apiv3_key");
  if (public_key_mode) {
    c.wechatpay_public_key_pem = read_state_file("wechatpay_public_key.pem");
    c.wechatpay_public_key_id = read_state_file("wechatpay_public_key_id");
  }
  return c;
}

std::string MockServer::ca_pem() const {
  return std::filesystem::exists(state_dir_ + "/ca.crt") ? read_state_file("ca.crt") : "";
}

Result<nlohmann::json> MockServer::admin(const std::string& method, const std::string& path,
                                         const nlohmann::json& body) {
  HttpRequest request{method, path, {{"Accept", "application/json"}}, {}, std::chrono::seconds(20)};
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.push_back({"Content-Type", "application/json"});
  }
  auto response = transport_->send(request, nullptr, {});
  if (!response) return std::unexpected(response.error());
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status / 100 != 2) {
    return make_error(ErrorCode::kInvalid, "admin " + method + " " + path + ": HTTP " +
                                               std::to_string(response->status) + " " +
                                               response->body);
  }
  return doc;
}

nlohmann::json MockServer::admin_or_throw(const std::string& method, const std::string& path,
                                          const nlohmann::json& body) {
  auto r = admin(method, path, body);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

}  // namespace orderops::wechatpay::testing
