// Runs orderops-wechatpay-mock as a child process for a test (port 0, a fresh --state-dir), reads
// the credentials it generated and drives its admin API; the child dies with the harness or the
// test process. start() is not thread-safe; admin() may be called from several threads.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "wechatpay/credentials.h"
#include "wechatpay/transport.h"

namespace orderops::wechatpay::testing {

struct MockServerOptions {
  bool tls = false;
  std::vector<std::string> extra_args;  // e.g. {"--clock", "fixed:2026-11-21T10:00:00+08:00"}
};

class MockServer {
 public:
  // Finds the binary in $ORDEROPS_BIN_DIR (set by ctest), starts it, waits for "listening on".
  static Result<std::unique_ptr<MockServer>> start(const MockServerOptions& options = {});
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  const std::string& url() const { return url_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string read_state_file(const std::string& name) const;
  // The merchant credentials from the state dir; public-key mode adds the WeChat Pay public key.
  MerchantCredentials credentials(bool public_key_mode = false) const;
  // ca.crt for a TLS mock, "" otherwise.
  std::string ca_pem() const;

  // Admin API (README.md): returns the JSON answer; a non-2xx answer is an error.
  Result<nlohmann::json> admin(const std::string& method, const std::string& path,
                               const nlohmann::json& body = nullptr);
  // Raises on failure, for terse test set-up.
  nlohmann::json admin_or_throw(const std::string& method, const std::string& path,
                                const nlohmann::json& body = nullptr);

 private:
  MockServer() = default;
  pid_t pid_ = -1;
  std::string url_;
  std::string state_dir_;
  std::unique_ptr<Transport> transport_;
};

}  // namespace orderops::wechatpay::testing
