#include "wechatpay/signer.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"
#include "testkit.h"

namespace orderops::wechatpay {
namespace {

using testkit::vec;

TEST(SignMessage, FiveLinesEachEndingInNewline) {
  EXPECT_EQ(request_sign_message("GET", "/v3/certificates", 1554208460, "593BEC0C", ""),
            "GET\n/v3/certificates\n1554208460\n593BEC0C\n\n");
  EXPECT_EQ(request_sign_message("POST", "/v3/profitsharing/orders", 1, "n", "{\"a\":1}"),
            "POST\n/v3/profitsharing/orders\n1\nn\n{\"a\":1}\n");
  // A body that already ends in a newline still gets one more.
  EXPECT_EQ(request_sign_message("POST", "/x", 1, "n", "{}\n"), "POST\n/x\n1\nn\n{}\n\n");
  EXPECT_EQ(response_sign_message("1", "n", ""), "1\nn\n\n");
}

TEST(RequestSigner, GetWithEscapedPathAndQueryIsByteExact) {
  testing::FakeClock clock;  // 1795000000
  struct Fixed final : NonceSource {
    std::string next() override { return "593BEC0C930BF1AFEB40B4A08C8FB242"; }
  } fixed;
  RequestSigner signer(std::string(testkit::kMchId), std::string(testkit::kMerchantSerial),
                       testkit::private_key("merchant_key.pem"), clock, fixed);
  const std::string url =
      "/v3/profitsharing/orders/P20150806125346%7Ca%2Ab@c?transaction_id="
      "4208450740201411110007820472";
  ASSERT_EQ(request_sign_message("GET", url, 1795000000, "593BEC0C930BF1AFEB40B4A08C8FB242", ""),
            vec("request_get_message"));
  auto signed_request = signer.sign("GET", url, "");
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(signed_request->timestamp, 1795000000);
  EXPECT_EQ(signed_request->authorization,
            "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\","
            "nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\","
            "signature=\"" +
                vec("request_get_signature") +
                "\","
                "timestamp=\"1795000000\","
                "serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"");
}

TEST(RequestSigner, PostBodyIsSignedAsSent) {
  testing::FakeClock clock;
  struct Fixed final : NonceSource {
    std::string next() override { return "593BEC0C930BF1AFEB40B4A08C8FB242"; }
  } fixed;
  RequestSigner signer(std::string(testkit::kMchId), std::string(testkit::kMerchantSerial),
                       testkit::private_key("merchant_key.pem"), clock, fixed);
  auto signed_request = signer.sign("POST", "/v3/profitsharing/orders", vec("request_post_body"));
  ASSERT_TRUE(signed_request);
  EXPECT_NE(
      signed_request->authorization.find("signature=\"" + vec("request_post_signature") + "\""),
      std::string::npos);
}

TEST(RequestSigner, TimestampFollowsTheClockAndNoncesRotate) {
  testing::FakeClock clock;
  testkit::FixedNonces nonces;
  RequestSigner signer("1", "AB", testkit::private_key("merchant_key.pem"), clock, nonces);
  auto first = signer.sign("GET", "/v3/certificates", "");
  clock.advance(std::chrono::seconds(61));
  auto second = signer.sign("GET", "/v3/certificates", "");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->timestamp - first->timestamp, 61);
  EXPECT_EQ(first->nonce, "NONCE1");
  EXPECT_EQ(second->nonce, "NONCE2");
  EXPECT_NE(first->authorization, second->authorization);
}

TEST(RandomNonceSource, ThirtyTwoAlphanumerics) {
  auto source = make_random_nonce_source();
  const std::string n = source->next();
  EXPECT_EQ(n.size(), 32u);
  EXPECT_NE(n, source->next());
}

}  // namespace
}  // namespace orderops::wechatpay
