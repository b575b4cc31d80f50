#include "wechatpay/client.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <thread>

#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "testkit.h"
#include "wechatpay/api_error.h"
#include "wechatpay/verifier.h"

namespace orderops::wechatpay {
namespace {

using testkit::header_of;
using testkit::kPlatformSerial;
using testkit::ScriptedTransport;

constexpr std::string_view kOrderJson =
    R"({"transaction_id":"4208450740201411110007820472","out_order_no":"P1|x","order_id":"3008450740201411110007820472","state":"PROCESSING","receivers":[{"type":"MERCHANT_ID","account":"1900000109","amount":100,"description":"d","result":"PENDING","detail_id":"36011111111111111111111"}]})";

class Recorder final : public RequestObserver {
 public:
  void on_attempt(const AttemptReport& r) override {
    std::lock_guard lock(mu_);
    codes_.emplace_back(std::string(r.endpoint) + ":" + std::string(r.code));
  }
  std::vector<std::string> codes() const {
    std::lock_guard lock(mu_);
    return codes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> codes_;
};

class ClientTest : public ::testing::Test {
 protected:
  void make(bool public_key_mode = false, ClientOptions options = {},
            std::shared_ptr<MerchantLimiter> limiter = nullptr,
            MerchantCredentials creds = testkit::credentials()) {
    if (public_key_mode) creds = testkit::credentials(true);
    options.endpoint = "https://api.mch.weixin.qq.com";
    if (!keep_backoff_) {
      options.retry.backoff = {Duration::zero(), Duration::zero(), 2.0, 0.0};
      options.retry.rate_limited_min_wait = Duration::zero();
    }
    options.jitter_seed = 7;
    transport_->serve_certificates(platform_);
    Logger log(sink_, clock_, LogFormat::kJson, LogLevel::kDebug);
    auto c = Client::create(creds, options, transport_, clock_, log, {limiter, recorder_, nonces_});
    ASSERT_TRUE(c) << c.error().message;
    client_ = std::move(*c);
  }
  HttpResponse ok(std::string body, std::int64_t ts = testkit::kNow) {
    return testkit::signed_response(200, std::move(body), platform_, kPlatformSerial, ts);
  }
  std::vector<HttpRequest> api_requests() const {
    std::vector<HttpRequest> out;
    for (auto& r : transport_->sent()) {
      if (r.target != "/v3/certificates") out.push_back(r);
    }
    return out;
  }

  testing::FakeClock clock_;
  RsaPrivateKey platform_ = testkit::private_key("platform_key.pem");
  std::shared_ptr<ScriptedTransport> transport_ = std::make_shared<ScriptedTransport>();
  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
  std::shared_ptr<testkit::FixedNonces> nonces_ = std::make_shared<testkit::FixedNonces>();
  bool keep_backoff_ = false;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, QueryOrderSignsTheEscapedTargetAndVerifiesTheAnswer) {
  make();
  transport_->push(ok(std::string(kOrderJson)));
  auto order = client_->query_order("P1|x", "4208450740201411110007820472");
  ASSERT_TRUE(order) << order.error().message;
  EXPECT_EQ(order->state, OrderState::kProcessing);
  EXPECT_EQ(order->receivers.at(0).detail_id, "36011111111111111111111");
  EXPECT_EQ(transport_->certificate_requests(), 1);

  const auto sent = api_requests();
  ASSERT_EQ(sent.size(), 1u);
  const HttpRequest& r = sent[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target,
            "/v3/profitsharing/orders/P1%7Cx?transaction_id=4208450740201411110007820472");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(header_of(r, "Accept"), "application/json");
  EXPECT_FALSE(header_of(r, "User-Agent").empty());
  EXPECT_EQ(header_of(r, "Wechatpay-Serial"), kPlatformSerial);
  EXPECT_EQ(header_of(r, "Content-Type"), "");
  // The header is exactly what an independent re-signing of the same message produces.
  const std::string msg = request_sign_message("GET", r.target, testkit::kNow, "NONCE2", "");
  auto sig = testkit::private_key("merchant_key.pem").sign_sha256(msg);
  EXPECT_EQ(
      header_of(r, "Authorization"),
      "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"NONCE2\",signature=\"" +
          base64_encode(*sig) +
          "\",timestamp=\"1795000000\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"");
  EXPECT_EQ(recorder_->codes(), (std::vector<std::string>{"certificates:200", "query_order:200"}));
}

TEST_F(ClientTest, CreateOrderRetriesWithTheIdenticalBodyAndSealsNames) {
  transport_->push(testkit::unsigned_response(500, R"({"code":"SYSTEM_ERROR","message":"x"})"));
  transport_->push(testkit::unsigned_response(429, R"({"code":"RATELIMIT_EXCEED","message":"x"})"));
  transport_->push(testkit::unsigned_response(202, ""));
  transport_->push(ok(std::string(kOrderJson)));
  CreateOrderRequest req{"wx8888888888888888", "4208450740201411110007820472", "P1|x", {}, false};
  req.receivers.push_back({ReceiverType::kPersonalOpenid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", 100,
                           "分给个人", std::string("张三")});
  ClientOptions options;
  options.retry.max_attempts = 4;
  make(false, options);
  auto order = client_->create_order(req);
  ASSERT_TRUE(order) << order.error().message;
  const auto sent = api_requests();
  ASSERT_EQ(sent.size(), 4u);
  for (const auto& r : sent) {
    EXPECT_EQ(r.body, sent[0].body);
    EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
    EXPECT_EQ(header_of(r, "Wechatpay-Serial"), kPlatformSerial);
  }
  EXPECT_NE(header_of(sent[0], "Authorization"), header_of(sent[1], "Authorization"));
  EXPECT_EQ(sent[0].body.find("张三"), std::string::npos);
  const auto body = nlohmann::json::parse(sent[0].body);
  EXPECT_EQ(body["out_order_no"], "P1|x");
  EXPECT_EQ(body["appid"], "wx8888888888888888");
  EXPECT_EQ(body["unfreeze_unsplit"], false);
  auto ct = base64_decode(body["receivers"][0]["name"].get<std::string>());
  EXPECT_EQ(platform_.decrypt_oaep(*ct).value(), "张三");
  EXPECT_EQ(recorder_->codes(),
            (std::vector<std::string>{"certificates:200", "create_order:SYSTEM_ERROR",
                                      "create_order:RATELIMIT_EXCEED", "create_order:202",
                                      "create_order:200"}));
}

TEST_F(ClientTest, RateLimitedAnswersWaitAtLeastOneSecond) {
  keep_backoff_ = true;
  ClientOptions options;
  options.retry.backoff = {std::chrono::milliseconds(10), std::chrono::milliseconds(10), 1.0, 0.0};
  make(false, options);
  ASSERT_TRUE(client_->refresh_certificates());
  transport_->push(testkit::unsigned_response(429, R"({"code":"FREQUENCY_LIMITED"})"));
  transport_->push(ok(R"({"transaction_id":"42","unsplit_amount":7})"));
  std::atomic<bool> done = false;
  Result<UnsplitAmount> result = make_error(ErrorCode::kInternal, "unset");
  std::jthread caller([&] {
    result = client_->unsplit_amount("42");
    done = true;
  });
  clock_.await_sleepers(1);
  clock_.advance(std::chrono::milliseconds(999));
  EXPECT_FALSE(done);
  clock_.advance(std::chrono::milliseconds(1));
  caller.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->unsplit_amount, 7);
}

TEST_F(ClientTest, GivesUpAfterTheAttemptBudgetWithATypedError) {
  make();
  for (int i = 0; i < 3; ++i) {
    transport_->push(
        testkit::unsigned_response(503, R"({"code":"SERVICE_UNAVAILABLE","message":"busy"})"));
  }
  auto r = client_->unsplit_amount("42");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().reason, "SERVICE_UNAVAILABLE");
  EXPECT_EQ(r.error().http_status, 503);
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(api_requests().size(), 3u);
}

TEST_F(ClientTest, BusinessErrorsAreNotRetriedAndCarryTheRequestId) {
  make();
  transport_->push(testkit::unsigned_response(
      400,
      R"({"code":"PARAM_ERROR","message":"分账接收方与原请求不一致","detail":{"location":"body"}})"));
  transport_->push(
      testkit::unsigned_response(404, R"({"code":"RESOURCE_NOT_EXISTS","message":"记录不存在"})"));
  CreateOrderRequest req{"", "42", "P2", {{ReceiverType::kMerchantId, "1900000109", 1, "d"}}, true};
  auto r = client_->create_order(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().reason, "PARAM_ERROR");
  EXPECT_NE(r.error().message.find("Request-ID req-unsigned"), std::string::npos);
  auto q = client_->query_order("P404", "42");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(q.error().reason, kCodeNotFound);
  EXPECT_EQ(api_requests().size(), 2u);
}

TEST_F(ClientTest, NetworkErrorsAreRetried) {
  make();
  transport_->push([](const HttpRequest&) -> Result<HttpResponse> {
    return make_error(ErrorCode::kUnavailable, "network: connection reset", "NETWORK");
  });
  transport_->push(ok(std::string(kOrderJson)));
  EXPECT_TRUE(client_->query_order("P1|x", "42"));
  EXPECT_EQ(recorder_->codes().at(1), "query_order:NETWORK");
}

TEST_F(ClientTest, UnsignedOrForgedSuccessIsRefusedAndRetried) {
  make();
  transport_->push(testkit::unsigned_response(200, std::string(kOrderJson)));
  auto probe = ok(std::string(kOrderJson));
  for (auto& h : probe.headers) {
    if (h.name == "Wechatpay-Signature") h.value = "WECHATPAY/SIGNTEST/" + h.value.substr(19);
  }
  transport_->push(probe);
  transport_->push(ok(std::string(kOrderJson)));
  EXPECT_TRUE(client_->query_order("P1|x", "42"));
  EXPECT_EQ(recorder_->codes(),
            (std::vector<std::string>{"certificates:200", "query_order:RESPONSE_UNSIGNED",
                                      "query_order:RESPONSE_SIGNTEST_PROBE", "query_order:200"}));
  EXPECT_NE(sink_->all().find("signature probe"), std::string::npos);

  for (int i = 0; i < 3; ++i) {
    auto tampered = ok(std::string(kOrderJson));
    tampered.body.replace(tampered.body.find("PROCESSING"), 10, "FINISHED");
    transport_->push(tampered);
  }
  auto r = client_->query_order("P1|x", "42");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(r.error().reason, kReasonBadSignature);
}

TEST_F(ClientTest, StaleAnswersAreRefused) {
  make();
  transport_->push(ok(std::string(kOrderJson), testkit::kNow - 301));
  auto r = client_->query_order("P1|x", "42");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, kReasonTimestamp);
  EXPECT_EQ(api_requests().size(), 1u);  // our clock or theirs is off: asking again won't help
}

TEST_F(ClientTest, UnsignedErrorAnswersStillGiveTheirCode) {
  make();
  transport_->push(
      testkit::unsigned_response(403, R"({"code":"NOT_ENOUGH","message":"分账金额不足"})"));
  auto r = client_->unfreeze({"42", "U1", "解冻全部剩余资金"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(r.error().reason, "NOT_ENOUGH");
  const auto sent = api_requests();
  EXPECT_EQ(sent.at(0).target, "/v3/profitsharing/orders/unfreeze");
  EXPECT_EQ(nlohmann::json::parse(sent.at(0).body)["out_order_no"], "U1");
}

TEST_F(ClientTest, PublicKeyModeRefreshesCertificatesOnlyForAnUnknownSerial) {
  make(true);
  auto pub_private = testkit::private_key("wechatpay_pubkey_private.pem");
  transport_->push(
      testkit::signed_response(200, std::string(kOrderJson), pub_private, testkit::kPublicKeyId));
  CreateOrderRequest req{
      "", "42", "P3", {{ReceiverType::kPersonalOpenid, "o-1", 5, "d", "王五"}}, false};
  ASSERT_TRUE(client_->create_order(req));
  EXPECT_EQ(transport_->certificate_requests(), 0);
  auto sent = api_requests();
  EXPECT_EQ(header_of(sent.at(0), "Wechatpay-Serial"), testkit::kPublicKeyId);
  auto ct =
      base64_decode(nlohmann::json::parse(sent[0].body)["receivers"][0]["name"].get<std::string>());
  EXPECT_EQ(pub_private.decrypt_oaep(*ct).value(), "王五");

  // A certificate-signed answer (migration): unknown serial -> one certificate download.
  transport_->push(ok(std::string(kOrderJson)));
  EXPECT_TRUE(client_->query_order("P1|x", "42"));
  EXPECT_EQ(transport_->certificate_requests(), 1);
  transport_->push(ok(std::string(kOrderJson)));
  EXPECT_TRUE(client_->query_order("P1|x", "42"));
  EXPECT_EQ(transport_->certificate_requests(), 1);
}

TEST_F(ClientTest, UnknownSerialAfterRefreshFails) {
  make();
  auto other = testkit::signed_response(200, std::string(kOrderJson), platform_,
                                        "7777777777777777777777777777777777777777");
  transport_->push(other);
  auto r = client_->query_order("P1|x", "42");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, kReasonUnknownSerial);
  EXPECT_EQ(transport_->certificate_requests(), 2);  // initial + one refresh, no loop
}

TEST_F(ClientTest, CertificatesAreRefreshedWhenStale) {
  make();
  transport_->push(ok(std::string(kOrderJson)));
  ASSERT_TRUE(client_->query_order("P1|x", "42"));
  clock_.advance(std::chrono::hours(13));
  transport_->push(ok(std::string(kOrderJson), testkit::kNow + 13 * 3600));
  ASSERT_TRUE(client_->query_order("P1|x", "42"));
  EXPECT_EQ(transport_->certificate_requests(), 2);
}

TEST_F(ClientTest, StopDuringBackoffCancels) {
  keep_backoff_ = true;
  ClientOptions options;
  options.retry.backoff = {std::chrono::seconds(5), std::chrono::seconds(5), 1.0, 0.0};
  make(false, options);
  ASSERT_TRUE(client_->refresh_certificates());
  transport_->push(testkit::unsigned_response(500, ""));
  std::stop_source stop;
  Result<Order> result = make_error(ErrorCode::kInternal, "unset");
  std::jthread caller([&] { result = client_->query_order("P1", "42", {stop.get_token()}); });
  clock_.await_sleepers(1);
  stop.request_stop();
  caller.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(api_requests().size(), 1u);
}

TEST_F(ClientTest, PerCallTimeoutReachesTheTransport) {
  ClientOptions options;
  options.timeout = std::chrono::seconds(3);
  make(false, options);
  transport_->push(ok(std::string(kOrderJson)));
  transport_->push(ok(std::string(kOrderJson)));
  ASSERT_TRUE(client_->query_order("P1", "42"));
  ASSERT_TRUE(client_->query_order("P1", "42", {{}, std::chrono::milliseconds(250)}));
  const auto sent = api_requests();
  EXPECT_EQ(sent.at(0).timeout, std::chrono::seconds(3));
  EXPECT_EQ(sent.at(1).timeout, std::chrono::milliseconds(250));
}

TEST_F(ClientTest, SharedLimiterGatesEveryAttempt) {
  auto limiter = std::make_shared<MerchantLimiter>(clock_, 1.0, 1);
  make(false, {}, limiter);
  transport_->push(ok(std::string(kOrderJson)));
  std::atomic<bool> done = false;
  std::jthread caller([&] {
    EXPECT_TRUE(client_->query_order("P1", "42"));  // certificates took the only token
    done = true;
  });
  clock_.await_sleepers(1);
  EXPECT_FALSE(done);
  clock_.advance(std::chrono::seconds(1));
  caller.join();
  EXPECT_EQ(limiter->in_flight(), 0);
}

TEST_F(ClientTest, ValidatesBeforeSending) {
  make();
  EXPECT_EQ(client_->query_order("bad#no", "42").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(client_->query_order(std::string(65, 'a'), "42").error().code, ErrorCode::kInvalid);
  CreateOrderRequest req{"", "42", "P1", {}, false};
  EXPECT_FALSE(client_->create_order(req));
  req.receivers.push_back({ReceiverType::kMerchantId, "1900000109", 0, "d"});
  EXPECT_FALSE(client_->create_order(req));
  req.receivers[0].amount = 1;
  req.receivers[0].description = std::string(81, 'x');
  EXPECT_FALSE(client_->create_order(req));
  EXPECT_TRUE(transport_->sent().empty());
}

TEST_F(ClientTest, BillApplyAndStreamingDownload) {
  auto c = testkit::credentials();
  c.sub_mchid = "1900000109";
  make(false, {}, nullptr, c);
  const std::string csv = "`a,`b\n`1,`2\n";
  std::string gz(128, '\0');
  uLongf len = gz.size();
  {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(csv.data()));
    zs.avail_in = csv.size();
    zs.next_out = reinterpret_cast<Bytef*>(gz.data());
    zs.avail_out = len;
    deflate(&zs, Z_FINISH);
    gz.resize(zs.total_out);
    deflateEnd(&zs);
  }
  nlohmann::json bill = {
      {"hash_type", "SHA1"},
      {"hash_value", sha1_hex(csv)},
      {"download_url", "https://elsewhere.example/v3/billdownload/file?token=T%2B1"}};
  transport_->push(ok(bill.dump()));
  auto info = client_->apply_bill({std::chrono::year(2026) / 11 / 20});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_TRUE(info->gzip);
  EXPECT_EQ(api_requests().at(0).target,
            "/v3/profitsharing/bills?bill_date=2026-11-20&sub_mchid=1900000109&tar_type=GZIP");

  transport_->push(testkit::unsigned_response(500, ""));  // nothing written yet: retried
  HttpResponse file;
  file.status = 200;
  file.body = gz;  // the file is not signed
  transport_->push(file);
  std::string out;
  auto dl = client_->download_bill(*info, [&](std::string_view chunk) -> Status {
    out.append(chunk);
    return {};
  });
  ASSERT_TRUE(dl) << dl.error().message;
  EXPECT_EQ(out, csv);
  EXPECT_EQ(dl->received_bytes, gz.size());
  const auto sent = api_requests();
  EXPECT_EQ(sent.back().target, "/v3/billdownload/file?token=T%2B1");
  EXPECT_EQ(header_of(sent.back(), "Accept"), "*/*");
  EXPECT_FALSE(header_of(sent.back(), "Authorization").empty());

  info->hash_value = sha1_hex(gz);  // the hash of the wrong bytes
  transport_->push(file);
  std::ostringstream stream;
  auto bad = client_->download_bill_to_stream(*info, stream);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, kReasonBillHashMismatch);
}

TEST_F(ClientTest, NoSecretReachesTheLog) {
  make();
  transport_->push(testkit::unsigned_response(500, ""));
  transport_->push(testkit::unsigned_response(400, R"({"code":"PARAM_ERROR","message":"bad"})"));
  CreateOrderRequest req{
      "", "42", "P9", {{ReceiverType::kPersonalOpenid, "o-1", 5, "d", "赵六秘密"}}, false};
  EXPECT_FALSE(client_->create_order(req));
  const std::string log = sink_->all();
  ASSERT_FALSE(log.empty());
  const auto creds = testkit::credentials();
  EXPECT_EQ(log.find(creds.apiv3_key), std::string::npos);
  EXPECT_EQ(log.find("赵六秘密"), std::string::npos);
  EXPECT_EQ(log.find("signature=\""), std::string::npos);
  const auto body = nlohmann::json::parse(api_requests().at(0).body);
  EXPECT_EQ(log.find(body["receivers"][0]["name"].get<std::string>()), std::string::npos);
  // No line of the private key's Base64 body.
  std::istringstream pem(creds.private_key_pem);
  for (std::string line; std::getline(pem, line);) {
    if (line.starts_with("-----") || line.size() < 16) continue;
    EXPECT_EQ(log.find(line), std::string::npos);
  }
}

}  // namespace
}  // namespace orderops::wechatpay
