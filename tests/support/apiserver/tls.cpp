#include "apiserver/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace orderops::apiserver {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct ExtDeleter {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// Ten years: a test server never outlives its certificate.
constexpr long kValiditySeconds = 10L * 365 * 24 * 3600;

std::unexpected<Error> tls_error(std::string what) {
  return make_error(ErrorCode::kInternal, "generate TLS material: " + std::move(what));
}

PkeyPtr new_key() { return PkeyPtr(EVP_EC_gen("P-256")); }

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtDeleter> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

X509Ptr new_certificate(EVP_PKEY* key, const char* common_name) {
  X509Ptr cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  return cert;
}

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

Result<GeneratedTls> generate_tls() {
  PkeyPtr ca_key = new_key();
  PkeyPtr server_key = new_key();
  if (!ca_key || !server_key) return tls_error("key generation failed");

  X509Ptr ca = new_certificate(ca_key.get(), "orderops-test-apiserver-ca");
  if (!ca) return tls_error("CA certificate allocation failed");
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  if (!add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash")) {
    return tls_error("CA extensions");
  }
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) return tls_error("CA signature");

  X509Ptr server = new_certificate(server_key.get(), "orderops-test-apiserver");
  if (!server) return tls_error("server certificate allocation failed");
  X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get()));
  if (!add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(server.get(), ca.get(), NID_key_usage,
                     "critical,digitalSignature,keyEncipherment") ||
      !add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth") ||
      !add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always") ||
      !add_extension(server.get(), ca.get(), NID_subject_alt_name,
                     "IP:127.0.0.1,IP:0:0:0:0:0:0:0:1,DNS:localhost")) {
    return tls_error("server extensions");
  }
  if (X509_sign(server.get(), ca_key.get(), EVP_sha256()) == 0) {
    return tls_error("server signature");
  }
  return GeneratedTls{cert_pem(ca.get()), cert_pem(server.get()), key_pem(server_key.get())};
}

}  // namespace orderops::apiserver
