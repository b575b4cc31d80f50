#include "wechatpay/aead.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "wechatpay/openssl_util.h"

namespace orderops::wechatpay {
namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kTagBytes = 16;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status check_inputs(std::string_view key, std::string_view nonce) {
  if (key.size() != kKeyBytes) return invalid("AES-256-GCM key must be 32 bytes");
  if (nonce.empty()) return invalid("AES-256-GCM nonce is empty");
  return {};
}

// Shared set-up: cipher, IV length (the nonce string may be any length; WeChat uses 12), key, IV.
Result<CipherCtx> start(bool encrypt, std::string_view key, std::string_view nonce) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return openssl_error("AES-256-GCM");
  const int enc = encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce), enc) != 1) {
    return openssl_error("AES-256-GCM setup");
  }
  return ctx;
}

}  // namespace

Result<std::string> aes_256_gcm_decrypt(std::string_view key, std::string_view nonce,
                                        std::string_view associated_data,
                                        std::string_view ciphertext) {
  if (auto st = check_inputs(key, nonce); !st) return std::unexpected(st.error());
  if (ciphertext.size() < kTagBytes) return invalid("AES-256-GCM ciphertext shorter than its tag");
  auto ctx = start(false, key, nonce);
  if (!ctx) return std::unexpected(ctx.error());
  const std::string_view body = ciphertext.substr(0, ciphertext.size() - kTagBytes);
  std::string tag(ciphertext.substr(body.size()));
  int len = 0;
  if (!associated_data.empty() &&
      EVP_DecryptUpdate(ctx->get(), nullptr, &len, bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1) {
    return openssl_error("AES-256-GCM associated data");
  }
  std::string out(body.size() + kTagBytes, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecryptUpdate(ctx->get(), dst, &len, bytes(body), static_cast<int>(body.size())) != 1) {
    return openssl_error("AES-256-GCM decrypt");
  }
  int total = len;
  if (EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1) {
    return openssl_error("AES-256-GCM tag");
  }
  if (EVP_DecryptFinal_ex(ctx->get(), dst + total, &len) != 1) {
    ERR_clear_error();
    return invalid("AES-256-GCM authentication failed (wrong APIv3 key or tampered data)");
  }
  out.resize(total + len);
  return out;
}

Result<std::string> aes_256_gcm_encrypt(std::string_view key, std::string_view nonce,
                                        std::string_view associated_data,
                                        std::string_view plaintext) {
  if (auto st = check_inputs(key, nonce); !st) return std::unexpected(st.error());
  auto ctx = start(true, key, nonce);
  if (!ctx) return std::unexpected(ctx.error());
  int len = 0;
  if (!associated_data.empty() &&
      EVP_EncryptUpdate(ctx->get(), nullptr, &len, bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1) {
    return openssl_error("AES-256-GCM associated data");
  }
  std::string out(plaintext.size() + kTagBytes, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_EncryptUpdate(ctx->get(), dst, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1) {
    return openssl_error("AES-256-GCM encrypt");
  }
  int total = len;
  if (EVP_EncryptFinal_ex(ctx->get(), dst + total, &len) != 1) {
    return openssl_error("AES-256-GCM encrypt");
  }
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + total) != 1) {
    return openssl_error("AES-256-GCM tag");
  }
  out.resize(total + kTagBytes);
  return out;
}

}  // namespace orderops::wechatpay
