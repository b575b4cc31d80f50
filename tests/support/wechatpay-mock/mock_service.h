// The WeChat Pay mock's request pipeline: record, fault switches, authentication, validation, the
// business model, and answers signed with the key the request named; /admin/ drives it
// (README.md). Thread-safe: one mutex around all state.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "http_server.h"
#include "mock_keys.h"
#include "mock_model.h"

namespace orderops::wechatpay::mock {

struct MockOptions {
  std::string mch_id = "1900009191";
  std::string state_dir;
  std::optional<SystemTime> fixed_time;  // --clock fixed:<RFC3339>
  // Key for answers to requests without Wechatpay-Serial: "certificate" or "public-key".
  std::string sign_mode = "certificate";
  bool certificates = true;  // false: a merchant with only a WeChat Pay public key
  int processing_delay_s = 0;
  bool verbose = false;
};

struct Fault {
  std::string kind;    // 500 503 202 429 error drop delay unsigned bad_signature signtest
                       // stale_timestamp unknown_serial bill_hash_mismatch
  int remaining = 1;   // -1: until cleared
  std::string method;  // "" = any
  std::string path;    // prefix of the request path, "" = any
  bool after_commit = false;
  int status = 0;
  std::string code;
  int delay_ms = 0;
  int retry_after = -1;
};

class MockService {
 public:
  MockService(MockOptions options, MockKeys keys);
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  // Writes the key files into options.state_dir (README.md).
  Status write_state(const std::string& url) const;
  ServerResponse handle(const ServerRequest& request);

 private:
  struct Plan {
    std::optional<Fault> response;  // 500/503/202/429/error/drop
    std::optional<Fault>
        signature;  // unsigned/bad_signature/signtest/stale_timestamp/unknown_serial
    bool bill_hash_mismatch = false;
    int delay_ms = 0;
  };
  struct BillFile {
    std::string bytes;
    bool gzip = false;
    SystemTime expires;
  };
  struct Route;

  ServerResponse handle_api(const ServerRequest& request);
  ServerResponse handle_admin(const ServerRequest& request);
  Plan plan_faults(const ServerRequest& request);
  std::optional<Reply> authenticate(const ServerRequest& request, SystemTime now) const;
  std::optional<Reply> check_serial(const ServerRequest& request) const;
  Reply dispatch(const ServerRequest& request, const Plan& plan, SystemTime now, bool& raw_file);
  Reply create_order(const ServerRequest& request, SystemTime now);
  Reply unfreeze(const ServerRequest& request, SystemTime now);
  Reply certificates(SystemTime now) const;
  Reply apply_bill(const std::map<std::string, std::string>& query, const Plan& plan,
                   SystemTime now);
  Reply download(const std::map<std::string, std::string>& query, SystemTime now, bool& raw);
  ServerResponse sign(const Reply& reply, const ServerRequest& request,
                      const std::optional<Fault>& fault, SystemTime now) const;
  std::optional<RsaPrivateKey> key_for_serial(const std::string& serial) const;
  bool owns_serial(const std::string& serial) const;
  SystemTime now() const;
  nlohmann::json admin_state() const;

  MockOptions options_;
  MockKeys keys_;
  RsaPublicKey merchant_public_;
  std::string base_url_;
  mutable std::mutex mu_;
  Model model_;
  Duration offset_{};
  std::vector<Fault> faults_;
  std::vector<nlohmann::json> requests_;
  std::map<std::string, BillFile> bill_files_;  // token -> file
  std::uint64_t seq_ = 0;
};

}  // namespace orderops::wechatpay::mock
