#include "mock_keys.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "wechatpay/encoding.h"

namespace orderops::wechatpay::mock {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

// 20 random bytes, top bit clear so the DER INTEGER stays positive and 20 bytes long.
std::string random_serial_hex() {
  std::string bytes = random_bytes(20);
  bytes[0] = static_cast<char>((static_cast<unsigned char>(bytes[0]) & 0x7F) | 0x10);
  std::string hex = hex_lower(bytes);
  for (auto& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex;
}

std::string random_digits(std::size_t n) {
  std::string out;
  for (unsigned char b : random_bytes(n)) out.push_back(static_cast<char>('0' + b % 10));
  return out;
}

void add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext != nullptr) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

Result<std::string> self_signed(const RsaPrivateKey& key, const std::string& serial_hex,
                                const std::string& common_name, SystemTime not_before,
                                SystemTime not_after, bool tls_server) {
  X509Ptr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  BIGNUM* bn = nullptr;
  BN_hex2bn(&bn, serial_hex.c_str());
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  auto secs = [](SystemTime t) {
    return static_cast<time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  };
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), secs(not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), secs(not_after));
  X509_set_pubkey(cert.get(), key.native());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("orderops wechatpay mock"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  if (tls_server) {
    add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    add_ext(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign");
    add_ext(cert.get(), NID_ext_key_usage, "serverAuth");
  }
  if (X509_sign(cert.get(), key.native(), EVP_sha256()) == 0) {
    return make_error(ErrorCode::kInternal, "cannot sign certificate");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Status write_file(const std::filesystem::path& path, const std::string& content, bool secret) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return make_error(ErrorCode::kInternal, "cannot write " + tmp);
    out << content;
    if (!out) return make_error(ErrorCode::kInternal, "cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), secret ? 0600 : 0644);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error(ErrorCode::kInternal, "cannot rename " + tmp + ": " + ec.message());
  return {};
}

}  // namespace

Result<PlatformCert> make_platform_cert(SystemTime now) {
  auto key = RsaPrivateKey::generate(2048);
  if (!key) return std::unexpected(key.error());
  const std::string serial = random_serial_hex();
  // Backdated a little so a client whose clock lags slightly already treats it as valid.
  const SystemTime not_before = now - std::chrono::minutes(10);
  const SystemTime not_after = now + std::chrono::hours(24 * 365 * 5);
  auto pem = self_signed(*key, serial, "Tenpay.com mock platform certificate", not_before,
                         not_after, false);
  if (!pem) return std::unexpected(pem.error());
  return PlatformCert{serial, std::move(*pem), std::move(*key), not_before, not_after};
}

Result<MockKeys> generate_keys(const std::string& mch_id, bool tls, SystemTime now) {
  auto merchant = RsaPrivateKey::generate(2048);
  auto pubkey = RsaPrivateKey::generate(2048);
  auto cert = make_platform_cert(now);
  if (!merchant || !pubkey || !cert) return make_error(ErrorCode::kInternal, "key generation");
  MockKeys keys{mch_id,
                std::move(*merchant),
                random_serial_hex(),
                random_alnum(32),
                {},
                std::move(*pubkey),
                "PUB_KEY_ID_" + random_digits(32),
                std::nullopt};
  keys.certs.push_back(std::move(*cert));
  if (tls) {
    auto tls_key = RsaPrivateKey::generate(2048);
    if (!tls_key) return std::unexpected(tls_key.error());
    auto tls_cert =
        self_signed(*tls_key, random_serial_hex(), "localhost", now - std::chrono::hours(1),
                    now + std::chrono::hours(24 * 365), true);
    if (!tls_cert) return std::unexpected(tls_cert.error());
    keys.tls = TlsIdentity{std::move(*tls_cert), tls_key->to_pem()};
  }
  return keys;
}

Status write_platform_cert(const std::string& dir, const MockKeys& keys) {
  return write_file(std::filesystem::path(dir) / "platform_cert.pem", keys.certs.back().pem, false);
}

Status write_state_dir(const std::string& dir, const MockKeys& keys, const std::string& url) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kInternal, "cannot create " + dir + ": " + ec.message());
  const std::filesystem::path d(dir);
  const struct {
    const char* name;
    std::string content;
    bool secret;
  } files[] = {
      {"apiclient_key.pem", keys.merchant_key.to_pem(), true},
      {"merchant_serial_no", keys.merchant_serial, false},
      {"apiv3_key", keys.apiv3_key, true},
      {"mch_id", keys.mch_id, false},
      {"wechatpay_public_key.pem", keys.pubkey_private.public_key().to_pem(), false},
      {"wechatpay_public_key_id", keys.pubkey_id, false},
      {"endpoint", url, false},
  };
  for (const auto& f : files) {
    if (auto st = write_file(d / f.name, f.content, f.secret); !st) return st;
  }
  if (keys.tls) {
    if (auto st = write_file(d / "ca.crt", keys.tls->certificate_pem, false); !st) return st;
  }
  return write_platform_cert(dir, keys);
}

}  // namespace orderops::wechatpay::mock
