// Secrets never reach a log line: the private key, the APIv3 key, receiver names (plain or
// encrypted) and request signatures are absent from everything the client logged, across
// successes, retries and failures.
#include <gtest/gtest.h>

#include <sstream>

#include "fixture.h"

namespace orderops::wechatpay {
namespace {

TEST_F(MockTest, NoSecretInTheLog) {
  seed_transaction("4500000001", 10000);
  fault({{"kind", "500"}, {"method", "POST"}});
  fault({{"kind", "signtest"}, {"path", "/v3/profitsharing/orders/"}});
  auto c = client();
  CreateOrderRequest req = split("4500000001", "SECRET-1", 100);
  req.receivers.push_back(
      {ReceiverType::kPersonalOpenid, "o-secret", 100, "个人", std::string("秘密的名字")});
  ASSERT_TRUE(c->create_order(req));
  ASSERT_TRUE(c->query_order("SECRET-1", "4500000001"));
  req.receivers[1].amount = 99;  // a PARAM_ERROR failure, too
  EXPECT_FALSE(c->create_order(req));
  EXPECT_FALSE(c->query_order("SECRET-404", "4500000001"));

  const std::string log = sink_->all();
  ASSERT_NE(log.find("will retry"), std::string::npos) << "the log should have content";
  ASSERT_NE(log.find("signature probe"), std::string::npos);
  const auto creds = mock().credentials();
  EXPECT_EQ(log.find(creds.apiv3_key), std::string::npos);
  EXPECT_EQ(log.find("秘密的名字"), std::string::npos);
  EXPECT_EQ(log.find("signature=\""), std::string::npos);
  std::istringstream pem(creds.private_key_pem);
  for (std::string line; std::getline(pem, line);) {
    if (line.starts_with("-----")) continue;
    EXPECT_EQ(log.find(line), std::string::npos) << "private key material in the log";
  }
}

}  // namespace
}  // namespace orderops::wechatpay
