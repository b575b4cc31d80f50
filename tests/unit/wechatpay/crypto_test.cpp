#include <gtest/gtest.h>

#include "testkit.h"
#include "wechatpay/aead.h"
#include "wechatpay/certificate.h"
#include "wechatpay/encoding.h"
#include "wechatpay/rsa_key.h"

namespace orderops::wechatpay {
namespace {

using testkit::read_testdata;
using testkit::vec;

TEST(Encoding, Base64MatchesRfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded).value(), plain);
  }
  EXPECT_EQ(base64_encode("\xff\xfe\xfd"), "//79");
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Zm=v"));
  EXPECT_FALSE(base64_decode("WECHATPAY/SIGNTEST/"));
}

TEST(Encoding, Sha1AndHex) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  Sha1 streamed;
  streamed.update("a");
  streamed.update("bc");
  EXPECT_EQ(streamed.final_hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex_lower("\x01\xab"), "01ab");
}

TEST(Encoding, EscapingMatchesGo) {
  // Go: url.PathEscape("P2015|a*b@c d/e") == "P2015%7Ca%2Ab@c%20d%2Fe"
  EXPECT_EQ(path_escape("P2015|a*b@c d/e"), "P2015%7Ca%2Ab@c%20d%2Fe");
  EXPECT_EQ(path_escape("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(query_escape("2026-11-21"), "2026-11-21");
  EXPECT_EQ(query_escape("a b&c=d@"), "a%20b%26c%3Dd%40");
  EXPECT_EQ(percent_decode("P2015%7Ca%2ab@c").value(), "P2015|a*b@c");
  EXPECT_FALSE(percent_decode("bad%7"));
  EXPECT_FALSE(percent_decode("bad%zz"));
}

TEST(Encoding, RandomStringsUseTheirAlphabet) {
  const std::string a = random_alnum(32);
  const std::string h = random_hex(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
            std::string::npos);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(random_alnum(32), a);
}

TEST(RsaKey, Pkcs8AndPkcs1LoadTheSameKey) {
  auto p8 = RsaPrivateKey::from_pem(read_testdata("merchant_key.pem"));
  auto p1 = RsaPrivateKey::from_pem(read_testdata("merchant_key_pkcs1.pem"));
  ASSERT_TRUE(p8);
  ASSERT_TRUE(p1);
  EXPECT_EQ(p8->public_key().to_pem(), p1->public_key().to_pem());
  EXPECT_EQ(p8->bits(), 2048);
  EXPECT_EQ(p8->sign_sha256("x").value(), p1->sign_sha256("x").value());
}

TEST(RsaKey, SignatureIsByteExactWithGo) {
  auto key = testkit::private_key("merchant_key.pem");
  auto sig = key.sign_sha256(vec("request_get_message"));
  ASSERT_TRUE(sig);
  EXPECT_EQ(base64_encode(*sig), vec("request_get_signature"));
  EXPECT_TRUE(key.public_key().verify_sha256(vec("request_get_message"), *sig));
  EXPECT_FALSE(key.public_key().verify_sha256(vec("request_get_message") + " ", *sig));
}

TEST(RsaKey, RejectsGarbageWithoutQuotingIt) {
  const std::string secretish =
      "-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n";
  auto key = RsaPrivateKey::from_pem(secretish);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().message.find("TOPSECRET"), std::string::npos);
  EXPECT_FALSE(RsaPublicKey::from_pem("not a key"));
}

TEST(RsaKey, PublicKeyPemForms) {
  auto spki = RsaPublicKey::from_pem(read_testdata("wechatpay_public_key.pem"));
  ASSERT_TRUE(spki);
  auto pkcs1 = RsaPublicKey::from_pem(read_testdata("wechatpay_public_key_pkcs1.pem"));
  ASSERT_TRUE(pkcs1);
  EXPECT_EQ(pkcs1->to_pem(), spki->to_pem());
  auto priv = testkit::private_key("wechatpay_pubkey_private.pem");
  EXPECT_EQ(priv.public_key().to_pem(), spki->to_pem());
}

TEST(Oaep, DecryptsGoCiphertextAndRoundTrips) {
  auto platform = testkit::private_key("platform_key.pem");
  auto go_ct = base64_decode(vec("oaep_ciphertext"));
  ASSERT_TRUE(go_ct);
  EXPECT_EQ(platform.decrypt_oaep(*go_ct).value(), vec("oaep_plaintext"));

  auto cert = parse_certificate_pem(read_testdata("platform_cert.pem"));
  ASSERT_TRUE(cert);
  auto ours = cert->public_key.encrypt_oaep("李四");
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->size(), 256u);
  EXPECT_NE(*ours, cert->public_key.encrypt_oaep("李四").value());  // randomised padding
  EXPECT_EQ(platform.decrypt_oaep(*ours).value(), "李四");
  // The wrong private key cannot read it.
  EXPECT_FALSE(testkit::private_key("merchant_key.pem").decrypt_oaep(*ours));
}

TEST(Aead, DecryptsKnownCertificateBlob) {
  auto ct = base64_decode(vec("cert_ciphertext"));
  ASSERT_TRUE(ct);
  auto pem = aes_256_gcm_decrypt(vec("apiv3_key"), vec("cert_nonce"), "certificate", *ct);
  ASSERT_TRUE(pem) << pem.error().message;
  EXPECT_EQ(*pem, read_testdata("platform_cert.pem"));
}

TEST(Aead, RejectsWrongKeyAadAndTampering) {
  auto ct = base64_decode(vec("cert_ciphertext")).value();
  const std::string key = vec("apiv3_key");
  std::string wrong_key = key;
  wrong_key[0] ^= 1;
  EXPECT_FALSE(aes_256_gcm_decrypt(wrong_key, vec("cert_nonce"), "certificate", ct));
  EXPECT_FALSE(aes_256_gcm_decrypt(key, vec("cert_nonce"), "transaction", ct));
  std::string tampered = ct;
  tampered[10] ^= 1;
  EXPECT_FALSE(aes_256_gcm_decrypt(key, vec("cert_nonce"), "certificate", tampered));
  EXPECT_FALSE(aes_256_gcm_decrypt("short", vec("cert_nonce"), "certificate", ct));
  EXPECT_FALSE(aes_256_gcm_decrypt(key, vec("cert_nonce"), "certificate", "tiny"));
}

TEST(Aead, EncryptRoundTripsWithEmptyAad) {
  const std::string key = vec("apiv3_key");
  auto ct = aes_256_gcm_encrypt(key, "0123456789ab", "", "hello");
  ASSERT_TRUE(ct);
  EXPECT_EQ(ct->size(), 5u + 16u);
  EXPECT_EQ(aes_256_gcm_decrypt(key, "0123456789ab", "", *ct).value(), "hello");
}

TEST(Certificate, ParsesSerialAndValidity) {
  auto cert = parse_certificate_pem(read_testdata("platform_cert.pem"));
  ASSERT_TRUE(cert);
  EXPECT_EQ(cert->serial_no, testkit::kPlatformSerial);
  EXPECT_EQ(cert->not_before, SystemTime(std::chrono::seconds(1577836800)));  // 2020-01-01
  EXPECT_EQ(cert->not_after, SystemTime(std::chrono::seconds(2208988800)));   // 2040-01-01
  EXPECT_FALSE(parse_certificate_pem(read_testdata("wechatpay_public_key.pem")));
}

TEST(Certificate, DecodesCertificatesResponse) {
  nlohmann::json entry = {{"serial_no", vec("cert_serial")},
                          {"effective_time", "2020-01-01T08:00:00+08:00"},
                          {"expire_time", "2040-01-01T08:00:00+08:00"},
                          {"encrypt_certificate",
                           {{"algorithm", "AEAD_AES_256_GCM"},
                            {"nonce", vec("cert_nonce")},
                            {"associated_data", "certificate"},
                            {"ciphertext", vec("cert_ciphertext")}}}};
  const std::string body = nlohmann::json{{"data", {entry}}}.dump();
  auto certs = decode_certificates_response(body, vec("apiv3_key"));
  ASSERT_TRUE(certs) << certs.error().message;
  ASSERT_EQ(certs->size(), 1u);
  EXPECT_EQ((*certs)[0].serial_no, vec("cert_serial"));

  std::string wrong_key = vec("apiv3_key");
  wrong_key[31] = 'X';
  EXPECT_FALSE(decode_certificates_response(body, wrong_key));
  entry["encrypt_certificate"]["algorithm"] = "AEAD_SM4_GCM";
  EXPECT_FALSE(
      decode_certificates_response(nlohmann::json{{"data", {entry}}}.dump(), vec("apiv3_key")));
  entry["encrypt_certificate"]["algorithm"] = "AEAD_AES_256_GCM";
  entry["serial_no"] = "0000";
  EXPECT_FALSE(
      decode_certificates_response(nlohmann::json{{"data", {entry}}}.dump(), vec("apiv3_key")));
  EXPECT_FALSE(decode_certificates_response("{", vec("apiv3_key")));
}

}  // namespace
}  // namespace orderops::wechatpay
