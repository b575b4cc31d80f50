#include "wechatpay/rsa_key.h"

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "wechatpay/openssl_util.h"

namespace orderops::wechatpay {
namespace {

std::shared_ptr<EVP_PKEY> share(EVP_PKEY* key) { return {key, &EVP_PKEY_free}; }

bool is_rsa(const EVP_PKEY* key) { return EVP_PKEY_is_a(key, "RSA") == 1; }

using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

Status set_oaep(EVP_PKEY_CTX* ctx) {
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) <= 0) {
    return openssl_error("RSA-OAEP setup");
  }
  return {};
}

}  // namespace

Result<RsaPublicKey> RsaPublicKey::from_pem(std::string_view pem) {
  auto bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    // "RSA PUBLIC KEY" (PKCS#1): OpenSSL 3's decoder reads the type-specific structure.
    bio = memory_bio(pem);
    std::unique_ptr<OSSL_DECODER_CTX, decltype(&OSSL_DECODER_CTX_free)> dctx(
        OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", "type-specific", "RSA",
                                      OSSL_KEYMGMT_SELECT_PUBLIC_KEY, nullptr, nullptr),
        &OSSL_DECODER_CTX_free);
    if (!dctx || OSSL_DECODER_from_bio(dctx.get(), bio.get()) != 1) key = nullptr;
  }
  ERR_clear_error();
  if (key == nullptr) return invalid("not a PEM public key");
  auto shared = share(key);
  if (!is_rsa(key)) return invalid("public key is not RSA");
  return RsaPublicKey(std::move(shared));
}

Status RsaPublicKey::verify_sha256(std::string_view message, std::string_view signature) const {
  DigestCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    return openssl_error("SHA256withRSA verify setup");
  }
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (ok != 1) return make_error(ErrorCode::kUnauthorized, "signature does not verify");
  return {};
}

Result<std::string> RsaPublicKey::encrypt_oaep(std::string_view plaintext) const {
  PkeyCtx ctx(EVP_PKEY_CTX_new(key_.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0) return openssl_error("RSA-OAEP encrypt");
  if (auto st = set_oaep(ctx.get()); !st) return std::unexpected(st.error());
  const auto* in = reinterpret_cast<const unsigned char*>(plaintext.data());
  size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, in, plaintext.size()) <= 0) {
    return openssl_error("RSA-OAEP encrypt (plaintext too long?)");
  }
  std::string out(len, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                       plaintext.size()) <= 0) {
    return openssl_error("RSA-OAEP encrypt (plaintext too long?)");
  }
  out.resize(len);
  return out;
}

std::string RsaPublicKey::to_pem() const {
  auto bio = memory_bio({});
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return bio_contents(bio.get());
}

int RsaPublicKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

Result<RsaPrivateKey> RsaPrivateKey::from_pem(std::string_view pem) {
  // PEM_read_bio_PrivateKey understands both "PRIVATE KEY" (PKCS#8) and "RSA PRIVATE KEY".
  auto bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (key == nullptr) return invalid("not an unencrypted PEM private key (PKCS#8 or PKCS#1)");
  auto shared = share(key);
  if (!is_rsa(key)) return invalid("private key is not RSA");
  return RsaPrivateKey(std::move(shared));
}

Result<RsaPrivateKey> RsaPrivateKey::generate(int bits) {
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned>(bits));
  if (key == nullptr) return openssl_error("RSA key generation");
  return RsaPrivateKey(share(key));
}

Result<std::string> RsaPrivateKey::sign_sha256(std::string_view message) const {
  DigestCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    return openssl_error("SHA256withRSA sign setup");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(message.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, message.size()) != 1) {
    return openssl_error("SHA256withRSA sign");
  }
  std::string out(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                     message.size()) != 1) {
    return openssl_error("SHA256withRSA sign");
  }
  out.resize(len);
  return out;
}

Result<std::string> RsaPrivateKey::decrypt_oaep(std::string_view ciphertext) const {
  PkeyCtx ctx(EVP_PKEY_CTX_new(key_.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0) return openssl_error("RSA-OAEP decrypt");
  if (auto st = set_oaep(ctx.get()); !st) return std::unexpected(st.error());
  const auto* in = reinterpret_cast<const unsigned char*>(ciphertext.data());
  size_t len = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, in, ciphertext.size()) <= 0) {
    ERR_clear_error();
    return invalid("RSA-OAEP ciphertext does not decrypt with this key");
  }
  std::string out(len, '\0');
  if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                       ciphertext.size()) <= 0) {
    ERR_clear_error();
    return invalid("RSA-OAEP ciphertext does not decrypt with this key");
  }
  out.resize(len);
  return out;
}

RsaPublicKey RsaPrivateKey::public_key() const {
  // Re-encoding drops the private half, so a public key never carries secret material.
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key_.get(), &der);
  const unsigned char* p = der;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, len);
  OPENSSL_free(der);
  return RsaPublicKey(share(pub));
}

std::string RsaPrivateKey::to_pem() const {
  auto bio = memory_bio({});
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_contents(bio.get());
}

int RsaPrivateKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

}  // namespace orderops::wechatpay
