// Each fault switch of the mock, handled as the reference says: retries with the identical body,
// refusal of unsigned/forged/stale answers, certificate rotation, clock window, timeouts.
#include <gtest/gtest.h>

#include <thread>

#include "fixture.h"
#include "wechatpay/api_error.h"
#include "wechatpay/endpoint.h"
#include "wechatpay/http_transport.h"
#include "wechatpay/verifier.h"

namespace orderops::wechatpay {
namespace {

// The bodies of all POSTs to `target`.
std::vector<std::string> post_hashes(const nlohmann::json& requests, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& r : requests) {
    if (r["method"] == "POST" && r["target"] == target) out.push_back(r["body_sha1"]);
  }
  return out;
}

TEST_F(MockTest, TransientStatusesAreRetriedWithTheIdenticalBody) {
  const nlohmann::json faults[] = {
      {{"kind", "500"}},
      {{"kind", "503"}},
      {{"kind", "202"}},
      {{"kind", "429"}, {"code", "RATELIMIT_EXCEED"}},
      {{"kind", "429"}, {"code", "RATELIMIT_EXCEEDED"}},
      {{"kind", "429"}, {"code", "FREQUENCY_LIMITED"}, {"retry_after", 0}},
  };
  auto c = client();
  int n = 0;
  for (const auto& f : faults) {
    ++n;
    const std::string tx = "43000000" + std::to_string(n);
    const std::string no = "FAULT-" + std::to_string(n);
    seed_transaction(tx, 1000);
    nlohmann::json scoped = f;
    scoped["method"] = "POST";
    scoped["path"] = "/v3/profitsharing/orders";
    fault(scoped);
    auto created = c->create_order(split(tx, no, 100));
    ASSERT_TRUE(created) << f.dump() << ": " << created.error().message;
    const auto hashes = post_hashes(requests(), "/v3/profitsharing/orders");
    ASSERT_EQ(hashes.size(), 2u) << f.dump();
    EXPECT_EQ(hashes[0], hashes[1]) << f.dump();
    EXPECT_EQ(unsplit(tx), 900) << f.dump();
    mock().admin_or_throw("DELETE", "/admin/requests");
  }
  EXPECT_EQ(orders().size(), std::size(faults));
  const auto codes = attempts_->codes();
  for (const char* code : {"create_order:SYSTEM_ERROR", "create_order:SERVICE_UNAVAILABLE",
                           "create_order:202", "create_order:RATELIMIT_EXCEED",
                           "create_order:RATELIMIT_EXCEEDED", "create_order:FREQUENCY_LIMITED"}) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
  }
}

TEST_F(MockTest, LostAnswerAfterCommitIsHealedByTheRetry) {
  // cpprestsdk itself re-sends a request once when a kept-alive connection turns out closed, so
  // two drops make sure the loss reaches our retry loop whichever connection was used.
  const struct {
    std::string kind;
    int count;
    std::string lost_code;
    std::size_t posts;
  } cases[] = {{"drop", 2, "create_order:NETWORK", 3}, {"500", 1, "create_order:SYSTEM_ERROR", 2}};
  for (const auto& k : cases) {
    mock().admin_or_throw("POST", "/admin/reset");
    seed_transaction("4300000100", 1000);
    fault({{"kind", k.kind},
           {"count", k.count},
           {"method", "POST"},
           {"path", "/v3/profitsharing/orders"},
           {"after_commit", true}});
    auto c = client();
    CreateOrderRequest req = split("4300000100", "COMMITTED-1", 250);
    req.receivers.push_back({ReceiverType::kPersonalOpenid, "o-named", 50, "个人", "周七"});
    auto created = c->create_order(req);
    ASSERT_TRUE(created) << k.kind << ": " << created.error().message;
    const auto codes = attempts_->codes();
    EXPECT_NE(std::find(codes.begin(), codes.end(), k.lost_code), codes.end()) << k.kind;
    // The first request took effect; every retry carried the same bytes and found the same
    // order: one order, one debit, each receiver paid once.
    const auto hashes = post_hashes(requests(), "/v3/profitsharing/orders");
    ASSERT_EQ(hashes.size(), k.posts) << k.kind;
    for (const auto& h : hashes) EXPECT_EQ(h, hashes[0]) << k.kind;
    EXPECT_EQ(orders().size(), 1u) << k.kind;
    EXPECT_EQ(unsplit("4300000100"), 700) << k.kind;
    ASSERT_TRUE(c->query_order("COMMITTED-1", "4300000100"));
    EXPECT_EQ(mock().admin_or_throw("GET", "/admin/ledger").size(), 2u) << k.kind;
  }
}

TEST_F(MockTest, PersistentOutageGivesUpAfterTheBudget) {
  fault({{"kind", "503"}, {"count", -1}});
  auto c = client();
  auto r = c->unsplit_amount("4300000200");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(r.error().http_status, 503);
  EXPECT_EQ(requests().size(), 3u);  // certificates attempts count too: 3 of them, all 503
}

TEST_F(MockTest, UnsignedForgedAndProbeAnswersAreRefused) {
  seed_transaction("4300000300", 1000);
  auto c = client();
  ASSERT_TRUE(c->create_order(split("4300000300", "SIG-1")));
  // One bad answer of each kind is retried away.
  for (const char* kind : {"unsigned", "bad_signature", "signtest"}) {
    fault({{"kind", kind}, {"path", "/v3/profitsharing/orders/"}});
    auto q = c->query_order("SIG-1", "4300000300");
    EXPECT_TRUE(q) << kind << ": " << q.error().message;
  }
  const auto codes = attempts_->codes();
  for (const char* code :
       {"query_order:RESPONSE_UNSIGNED", "query_order:RESPONSE_SIGNATURE_INVALID",
        "query_order:RESPONSE_SIGNTEST_PROBE"}) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
  }
  // Persistent ones surface as kUnauthorized with the precise reason.
  const std::pair<const char*, std::string_view> persistent[] = {
      {"unsigned", kReasonUnsigned},
      {"bad_signature", kReasonBadSignature},
      {"signtest", kReasonSignTest},
      {"stale_timestamp", kReasonTimestamp},
  };
  for (const auto& [kind, reason] : persistent) {
    mock().admin_or_throw("DELETE", "/admin/faults");
    fault({{"kind", kind}, {"count", -1}, {"path", "/v3/profitsharing/orders/"}});
    auto q = c->query_order("SIG-1", "4300000300");
    ASSERT_FALSE(q) << kind;
    EXPECT_EQ(q.error().code, ErrorCode::kUnauthorized) << kind;
    EXPECT_EQ(q.error().reason, reason) << kind;
  }
}

TEST_F(MockTest, UnsignedErrorAnswersKeepTheirCode) {
  fault({{"kind", "unsigned"}, {"count", -1}, {"path", "/v3/profitsharing/orders/"}});
  auto c = client();
  auto q = c->query_order("NOPE-1", "4300000400");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(q.error().reason, kCodeNotFound);
}

TEST_F(MockTest, CertificateRotationIsPickedUpOnTheUnknownSerial) {
  seed_transaction("4300000500", 1000);
  auto c = client();
  ASSERT_TRUE(c->create_order(split("4300000500", "ROT-1")));
  EXPECT_EQ(count_requests("GET", "/v3/certificates"), 1);
  const auto state = mock().admin_or_throw("POST", "/admin/rotate-certificate");
  ASSERT_EQ(state["certificates"].size(), 2u);
  auto q = c->query_order("ROT-1", "4300000500");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(count_requests("GET", "/v3/certificates"), 2);
  EXPECT_EQ(c->platform_certificate_count(), 2u);  // the old one stays until it expires
  // The new certificate is now named on requests (and used to encrypt names).
  ASSERT_TRUE(c->query_order("ROT-1", "4300000500"));
  EXPECT_EQ(requests().back()["wechatpay_serial"], state["certificates"][1]["serial_no"]);
  EXPECT_EQ(count_requests("GET", "/v3/certificates"), 2);
}

TEST_F(MockTest, UnknownSerialAfterARefreshFails) {
  seed_transaction("4300000600", 1000);
  fault({{"kind", "unknown_serial"}, {"count", -1}, {"path", "/v3/profitsharing/transactions/"}});
  auto c = client();
  auto r = c->unsplit_amount("4300000600");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, kReasonUnknownSerial);
  EXPECT_EQ(count_requests("GET", "/v3/certificates"), 2);  // first use + one refresh, no loop
}

TEST_F(MockTest, RequestsOutsideTheClockWindowAreRefused) {
  auto c = client();
  ASSERT_TRUE(c->refresh_certificates());
  mock().admin_or_throw("POST", "/admin/time", {{"advance_seconds", 301}});
  auto r = c->query_order("CLOCK-1", "4300000700");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(r.error().reason, kCodeSignError);
  mock().admin_or_throw("POST", "/admin/time", {{"advance_seconds", -301}});
}

TEST_F(MockTest, WrongKeyGivesSignErrorWithTheServersView) {
  auto creds = mock().credentials();
  creds.private_key_pem = RsaPrivateKey::generate(2048)->to_pem();
  Logger log(sink_, clock_, LogFormat::kJson, LogLevel::kDebug);
  auto c = Client::connect(creds, fast_options(), clock_, log);
  ASSERT_TRUE(c);
  auto r = (*c)->refresh_certificates();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(r.error().reason, kCodeSignError);
  EXPECT_NE(r.error().message.find("GET /v3/certificates"), std::string::npos) << r.error().message;
}

TEST_F(MockTest, MockRefusesRequestsWithoutAcceptOrUserAgent) {
  // Straight through the transport, as a careless client would send it.
  auto endpoint = parse_endpoint(mock().url());
  auto transport = make_http_transport({endpoint->origin, mock().ca_pem()});
  ASSERT_TRUE(transport);
  auto r =
      (*transport)->send({"GET", "/v3/certificates", {}, {}, std::chrono::seconds(5)}, nullptr, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Http头缺少Accept或User-Agent"), std::string::npos);
}

TEST_F(MockTest, PerCallTimeoutAndCancellation) {
  fault({{"kind", "delay"}, {"delay_ms", 1500}, {"count", -1}, {"path", "/v3/profitsharing/"}});
  auto c = client();
  ASSERT_TRUE(c->refresh_certificates());
  CallOptions call;
  call.timeout = std::chrono::milliseconds(200);
  auto r = c->unsplit_amount("4300000800", call);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(count_requests("GET", "/v3/profitsharing/transactions/"), 3);

  std::stop_source stop;
  Result<UnsplitAmount> cancelled = make_error(ErrorCode::kInternal, "unset");
  std::jthread caller([&] { cancelled = c->unsplit_amount("4300000800", {stop.get_token()}); });
  while (count_requests("GET", "/v3/profitsharing/transactions/") < 4) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.request_stop();
  caller.join();
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().code, ErrorCode::kCancelled);
  mock().admin_or_throw("DELETE", "/admin/faults");
}

}  // namespace
}  // namespace orderops::wechatpay
