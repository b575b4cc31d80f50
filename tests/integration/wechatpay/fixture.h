// Shared set-up of the wechatpay integration tests: one TLS mock per test binary (started once,
// reset before each test) and a client wired to it with fast retries, a CaptureSink log and an
// observer that records attempt codes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/capture_sink.h"
#include "support/wechatpay-mock/mock_harness.h"
#include "wechatpay/client.h"

namespace orderops::wechatpay {

class AttemptLog final : public RequestObserver {
 public:
  void on_attempt(const AttemptReport& r) override {
    std::lock_guard lock(mu_);
    codes_.push_back(std::string(r.endpoint) + ":" + std::string(r.code));
  }
  std::vector<std::string> codes() const {
    std::lock_guard lock(mu_);
    return codes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> codes_;
};

class MockTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = testing::MockServer::start({.tls = true});
    ASSERT_TRUE(server) << server.error().message;
    mock_ = server->release();
  }
  static void TearDownTestSuite() {
    delete mock_;
    mock_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(mock_, nullptr);
    mock().admin_or_throw("POST", "/admin/reset");
  }

  static testing::MockServer& mock() { return *mock_; }

  ClientOptions fast_options() const {
    ClientOptions o;
    o.endpoint = mock().url();
    o.extra_ca_pem = mock().ca_pem();
    o.timeout = std::chrono::seconds(5);
    o.retry.max_attempts = 3;
    o.retry.backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20), 2.0, 0.5};
    o.retry.rate_limited_min_wait = std::chrono::milliseconds(10);
    return o;
  }

  std::unique_ptr<Client> client(bool public_key_mode = false, ClientOptions options = {},
                                 ClientHooks hooks = {}) {
    if (options.endpoint == kDefaultEndpoint) options = fast_options();
    if (!hooks.observer) hooks.observer = attempts_;
    Logger log(sink_, clock_, LogFormat::kJson, LogLevel::kDebug);
    auto c = Client::connect(mock().credentials(public_key_mode), options, clock_, log, hooks);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }

  // A profit-sharing transaction of `amount` fen; max_ratio 10000 unless given.
  void seed_transaction(const std::string& id, std::int64_t amount, nlohmann::json extra = {}) {
    nlohmann::json body = {{"transaction_id", id}, {"amount", amount}, {"max_ratio", 10000}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    mock().admin_or_throw("POST", "/admin/transactions", body);
  }
  std::int64_t unsplit(const std::string& id) {
    return mock().admin_or_throw("GET", "/admin/transactions/" + id)["unsplit_amount"];
  }
  void fault(nlohmann::json f) { mock().admin_or_throw("POST", "/admin/faults", f); }
  nlohmann::json requests() { return mock().admin_or_throw("GET", "/admin/requests"); }
  int count_requests(const std::string& method, const std::string& target_prefix) {
    int n = 0;
    for (const auto& r : requests()) {
      if (r["method"] == method && r["target"].get<std::string>().starts_with(target_prefix)) ++n;
    }
    return n;
  }
  nlohmann::json orders() { return mock().admin_or_throw("GET", "/admin/orders"); }

  static CreateOrderRequest split(const std::string& tx, const std::string& out,
                                  std::int64_t amount = 100) {
    return {"", tx, out, {{ReceiverType::kMerchantId, "1900000109", amount, "分给商户"}}, false};
  }

  inline static testing::MockServer* mock_ = nullptr;
  SystemClock clock_;
  std::shared_ptr<orderops::testing::CaptureSink> sink_ =
      std::make_shared<orderops::testing::CaptureSink>();
  std::shared_ptr<AttemptLog> attempts_ = std::make_shared<AttemptLog>();
};

}  // namespace orderops::wechatpay
