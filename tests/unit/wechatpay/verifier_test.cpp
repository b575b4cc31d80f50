#include "wechatpay/verifier.h"

#include <gtest/gtest.h>

#include "testkit.h"

namespace orderops::wechatpay {
namespace {

using testkit::vec;

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() {
    auto cert = parse_certificate_pem(testkit::read_testdata("platform_cert.pem"));
    keys_.merge_certificates({*cert}, now_);
  }
  ResponseSignature good() const {
    return {vec("response_timestamp"), vec("response_nonce"), vec("response_signature_platform"),
            std::string(testkit::kPlatformSerial), "WECHATPAY2-SHA256-RSA2048"};
  }
  std::string reason_of(const ResponseSignature& s, std::string_view body) const {
    auto st = verify_response(s, body, keys_, now_);
    if (st) return "OK";
    EXPECT_EQ(st.error().code, ErrorCode::kUnauthorized);
    return st.error().reason;
  }

  SystemTime now_{std::chrono::seconds(testkit::kNow)};
  PlatformKeys keys_;
};

TEST_F(VerifierTest, AcceptsGoSignedAnswer) {
  EXPECT_EQ(reason_of(good(), vec("response_body")), "OK");
  auto s = good();
  s.signature_type.clear();  // absent type means the default scheme
  EXPECT_EQ(reason_of(s, vec("response_body")), "OK");
}

TEST_F(VerifierTest, RejectsTamperedBody) {
  std::string body = vec("response_body");
  body.replace(body.find("1000"), 4, "9000");
  EXPECT_EQ(reason_of(good(), body), kReasonBadSignature);
  // A JSON round trip (re-serialisation) changes the bytes too.
  EXPECT_EQ(reason_of(good(), vec("response_body") + " "), kReasonBadSignature);
}

TEST_F(VerifierTest, RejectsMissingHeaders) {
  for (int i = 0; i < 4; ++i) {
    auto s = good();
    std::string* fields[] = {&s.timestamp, &s.nonce, &s.signature, &s.serial};
    fields[i]->clear();
    EXPECT_EQ(reason_of(s, vec("response_body")), kReasonUnsigned) << i;
  }
}

TEST_F(VerifierTest, ClockWindowIsFiveMinutesBothWays) {
  const std::string body = vec("response_body");
  now_ = SystemTime(std::chrono::seconds(testkit::kNow + 299));
  EXPECT_EQ(reason_of(good(), body), "OK");
  now_ = SystemTime(std::chrono::seconds(testkit::kNow + 300));
  EXPECT_EQ(reason_of(good(), body), kReasonTimestamp);
  now_ = SystemTime(std::chrono::seconds(testkit::kNow - 300));
  EXPECT_EQ(reason_of(good(), body), kReasonTimestamp);
  now_ = SystemTime(std::chrono::seconds(testkit::kNow));
  auto s = good();
  s.timestamp = "17950000OO";
  EXPECT_EQ(reason_of(s, body), kReasonTimestamp);
}

TEST_F(VerifierTest, RejectsUnknownSerialAndWrongKey) {
  auto s = good();
  s.serial = "0000000000000000000000000000000000000001";
  EXPECT_EQ(reason_of(s, vec("response_body")), kReasonUnknownSerial);
  s = good();
  s.signature = vec("response_signature_pubkey");  // valid, but by another key
  EXPECT_EQ(reason_of(s, vec("response_body")), kReasonBadSignature);
  s.signature = "!!!";
  EXPECT_EQ(reason_of(s, vec("response_body")), kReasonBadSignature);
}

TEST_F(VerifierTest, RejectsSignTestProbe) {
  auto s = good();
  s.signature = "WECHATPAY/SIGNTEST/" + vec("response_signature_platform").substr(19);
  EXPECT_EQ(reason_of(s, vec("response_body")), kReasonSignTest);
}

TEST_F(VerifierTest, RejectsOtherSignatureTypes) {
  auto s = good();
  s.signature_type = "WECHATPAY2-SM2-WITH-SM3";
  EXPECT_EQ(reason_of(s, vec("response_body")), kReasonBadSignature);
}

TEST_F(VerifierTest, PublicKeyModeAndCombinedMode) {
  auto pub = RsaPublicKey::from_pem(testkit::read_testdata("wechatpay_public_key.pem"));
  keys_.set_public_key(std::string(testkit::kPublicKeyId), *pub);
  auto s = good();
  s.serial = std::string(testkit::kPublicKeyId);
  s.signature = vec("response_signature_pubkey");
  EXPECT_EQ(reason_of(s, vec("response_body")), "OK");
  // The certificate still verifies its own answers during the migration.
  EXPECT_EQ(reason_of(good(), vec("response_body")), "OK");
  // A certificate signature under the key id does not.
  s.signature = vec("response_signature_platform");
  EXPECT_EQ(reason_of(s, vec("response_body")), kReasonBadSignature);
  ASSERT_TRUE(keys_.preferred(now_));
  EXPECT_EQ(keys_.preferred(now_)->serial, testkit::kPublicKeyId);
}

TEST(PlatformKeys, PrefersNewestValidCertificateAndDropsExpired) {
  auto cert = parse_certificate_pem(testkit::read_testdata("platform_cert.pem")).value();
  PlatformKeys keys;
  const SystemTime now(std::chrono::seconds(testkit::kNow));
  PlatformCertificate future = cert;
  future.serial_no = "AA";
  future.not_before = now + std::chrono::hours(24);
  PlatformCertificate expired = cert;
  expired.serial_no = "BB";
  expired.not_after = now - std::chrono::seconds(1);
  keys.merge_certificates({cert, future, expired}, now);
  EXPECT_EQ(keys.certificate_count(), 2u);
  EXPECT_FALSE(keys.find("BB"));
  EXPECT_TRUE(keys.find("AA"));  // announced early: verifies, but is not used to encrypt yet
  EXPECT_EQ(keys.preferred(now)->serial, testkit::kPlatformSerial);
  EXPECT_EQ(keys.preferred(now + std::chrono::hours(25))->serial, "AA");
}

}  // namespace
}  // namespace orderops::wechatpay
