#include "wechatpay/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "wechatpay/aead.h"
#include "wechatpay/encoding.h"
#include "wechatpay/openssl_util.h"

namespace orderops::wechatpay {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

Result<SystemTime> asn1_time(const ASN1_TIME* t) {
  struct tm parts {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &parts) != 1) return invalid("certificate validity time");
  return SystemTime(std::chrono::seconds(timegm(&parts)));
}

std::string serial_hex(const X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), &BN_free);
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  return out;
}

Result<PlatformCertificate> decode_entry(const nlohmann::json& entry, std::string_view apiv3_key) {
  const auto& enc = entry.at("encrypt_certificate");
  const std::string algorithm = enc.at("algorithm").get<std::string>();
  if (algorithm != kAeadAlgorithm) return invalid("certificate algorithm " + algorithm);
  auto ciphertext = base64_decode(enc.at("ciphertext").get<std::string>());
  if (!ciphertext) return std::unexpected(ciphertext.error().wrap("certificate ciphertext"));
  auto pem = aes_256_gcm_decrypt(apiv3_key, enc.at("nonce").get<std::string>(),
                                 enc.value("associated_data", std::string()), *ciphertext);
  if (!pem) return std::unexpected(pem.error().wrap("platform certificate"));
  auto cert = parse_certificate_pem(*pem);
  if (!cert) return cert;
  const std::string listed = entry.value("serial_no", std::string());
  if (!listed.empty() && listed != cert->serial_no) {
    return invalid("certificate serial " + listed + " does not match its PEM");
  }
  return cert;
}

}  // namespace

Result<PlatformCertificate> parse_certificate_pem(std::string_view pem) {
  auto bio = memory_bio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  ERR_clear_error();
  if (!cert) return invalid("not a PEM X.509 certificate");
  EVP_PKEY* key = X509_get_pubkey(cert.get());  // new reference
  if (key == nullptr) return invalid("certificate without a public key");
  RsaPublicKey public_key(std::shared_ptr<evp_pkey_st>(key, &EVP_PKEY_free));
  if (EVP_PKEY_is_a(key, "RSA") != 1) return invalid("certificate key is not RSA");
  auto not_before = asn1_time(X509_get0_notBefore(cert.get()));
  auto not_after = asn1_time(X509_get0_notAfter(cert.get()));
  if (!not_before || !not_after) return invalid("certificate validity unreadable");
  return PlatformCertificate{serial_hex(cert.get()), *not_before, *not_after, std::move(public_key),
                             std::string(pem)};
}

Result<std::vector<PlatformCertificate>> decode_certificates_response(std::string_view body,
                                                                      std::string_view apiv3_key) {
  std::vector<PlatformCertificate> out;
  try {
    const auto doc = nlohmann::json::parse(body);
    for (const auto& entry : doc.at("data")) {
      auto cert = decode_entry(entry, apiv3_key);
      if (!cert) return std::unexpected(cert.error());
      out.push_back(std::move(*cert));
    }
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kInternal,
                      std::string("malformed /v3/certificates response: ") + e.what());
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.not_before > b.not_before; });
  return out;
}

}  // namespace orderops::wechatpay
