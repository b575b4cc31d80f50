// RSA keys for SHA256withRSA (PKCS#1 v1.5) signatures and RSA-OAEP (SHA-1, MGF1-SHA-1)
// encryption of sensitive fields, with OpenSSL behind an opaque handle. Immutable values whose
// copies share the handle; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

struct evp_pkey_st;

namespace orderops::wechatpay {

class RsaPublicKey {
 public:
  // "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY" (PKCS#1) PEM.
  static Result<RsaPublicKey> from_pem(std::string_view pem);

  // Ok when `signature` (raw bytes) is a valid SHA256withRSA signature of `message`.
  Status verify_sha256(std::string_view message, std::string_view signature) const;
  // RSA-OAEP with SHA-1 and MGF1-SHA-1; raw ciphertext bytes (Base64 them for the wire).
  Result<std::string> encrypt_oaep(std::string_view plaintext) const;
  // SubjectPublicKeyInfo PEM.
  std::string to_pem() const;
  int bits() const;

  evp_pkey_st* native() const { return key_.get(); }
  explicit RsaPublicKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

class RsaPrivateKey {
 public:
  // PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") PEM, unencrypted. Errors never quote the
  // input.
  static Result<RsaPrivateKey> from_pem(std::string_view pem);
  static Result<RsaPrivateKey> generate(int bits);

  // Raw SHA256withRSA (PKCS#1 v1.5) signature bytes; deterministic for a given key and message.
  Result<std::string> sign_sha256(std::string_view message) const;
  Result<std::string> decrypt_oaep(std::string_view ciphertext) const;
  RsaPublicKey public_key() const;
  // PKCS#8 PEM.
  std::string to_pem() const;
  int bits() const;

  evp_pkey_st* native() const { return key_.get(); }

 private:
  explicit RsaPrivateKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace orderops::wechatpay
