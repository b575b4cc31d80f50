#include "wechatpay/credentials.h"

#include <gtest/gtest.h>

#include "testkit.h"

namespace orderops::wechatpay {
namespace {

TEST(Credentials, ParsesCertificateModeAndPublicKeyMode) {
  auto keys = parse_credentials(testkit::credentials());
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_EQ(keys->mch_id, "1900009191");
  EXPECT_FALSE(keys->wechatpay_public_key);
  auto pk = parse_credentials(testkit::credentials(true));
  ASSERT_TRUE(pk) << pk.error().message;
  EXPECT_EQ(pk->wechatpay_public_key_id, testkit::kPublicKeyId);
  EXPECT_TRUE(pk->wechatpay_public_key);
}

TEST(Credentials, AcceptsPkcs1AndUppercasesSerial) {
  auto c = testkit::credentials();
  c.private_key_pem = testkit::read_testdata("merchant_key_pkcs1.pem");
  c.merchant_serial_no = "1dde55ad98ed71d6edd4a4a16996de7b47773a8c";
  auto keys = parse_credentials(c);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->merchant_serial_no, testkit::kMerchantSerial);
}

struct BadCase {
  const char* name;
  std::function<void(MerchantCredentials&)> spoil;
  const char* field;
};

TEST(Credentials, ErrorsNameTheFieldAndNeverQuoteSecrets) {
  const std::string secret_key_text = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGtleSBtYXRlcmlhbA==\n";
  const BadCase cases[] = {
      {"mch_id", [](auto& c) { c.mch_id = "19x"; }, "mchId"},
      {"serial", [](auto& c) { c.merchant_serial_no = "not-hex"; }, "merchant_serial_no"},
      {"key", [&](auto& c) { c.private_key_pem = secret_key_text; }, "apiclient_key.pem"},
      {"apiv3 short", [](auto& c) { c.apiv3_key = "SHORTSECRETAPIV3"; }, "apiv3_key"},
      {"pubkey without id",
       [](auto& c) {
         c.wechatpay_public_key_pem = testkit::read_testdata("wechatpay_public_key.pem");
       },
       "wechatpay_public_key_id"},
      {"id format",
       [](auto& c) {
         c.wechatpay_public_key_pem = testkit::read_testdata("wechatpay_public_key.pem");
         c.wechatpay_public_key_id = "KEY_1";
       },
       "wechatpay_public_key_id"},
      {"bad pubkey",
       [](auto& c) {
         c.wechatpay_public_key_pem = "garbage";
         c.wechatpay_public_key_id = "PUB_KEY_ID_123";
       },
       "wechatpay_public_key.pem"},
      {"sub", [](auto& c) { c.sub_mchid = "abc"; }, "subMchId"},
  };
  for (const auto& bad : cases) {
    auto c = testkit::credentials();
    bad.spoil(c);
    auto keys = parse_credentials(c);
    ASSERT_FALSE(keys) << bad.name;
    EXPECT_EQ(keys.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(keys.error().reason, "InvalidCredentials");
    EXPECT_TRUE(keys.error().message.starts_with(bad.field)) << keys.error().message;
    EXPECT_EQ(keys.error().message.find("c2VjcmV0"), std::string::npos);
    EXPECT_EQ(keys.error().message.find("SHORTSECRET"), std::string::npos);
  }
}

TEST(Credentials, FromSecretUsesTheApiKeyNames) {
  std::map<std::string, std::string> data = {
      {"apiclient_key.pem", testkit::read_testdata("merchant_key.pem")},
      {"merchant_serial_no", std::string(testkit::kMerchantSerial) + "\n"},
      {"apiv3_key", testkit::vec("apiv3_key") + "\n"},
  };
  auto c = credentials_from_secret(data, "1900009191", "1900000109");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->merchant_serial_no, testkit::kMerchantSerial);
  EXPECT_EQ(c->apiv3_key.size(), 32u);
  EXPECT_EQ(c->sub_mchid.value(), "1900000109");
  EXPECT_TRUE(parse_credentials(*c));
  data.erase("apiv3_key");
  auto missing = credentials_from_secret(data, "1900009191");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().message.starts_with("apiv3_key"));
}

}  // namespace
}  // namespace orderops::wechatpay
