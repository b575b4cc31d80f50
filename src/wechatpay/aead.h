// AEAD_AES_256_GCM as WeChat Pay v3 uses it for platform certificates and notifications: the
// 32-byte APIv3 key and the nonce string are used as raw bytes, and the ciphertext carries the
// 16-byte tag at its end. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::wechatpay {

inline constexpr std::string_view kAeadAlgorithm = "AEAD_AES_256_GCM";

// `ciphertext` is raw bytes (Base64-decode the wire value first) = ciphertext || tag. A wrong key
// or tampered data fails with kInvalid (the tag does not match).
Result<std::string> aes_256_gcm_decrypt(std::string_view key, std::string_view nonce,
                                        std::string_view associated_data,
                                        std::string_view ciphertext);
// The inverse (used by the mock server and tests): returns ciphertext || tag.
Result<std::string> aes_256_gcm_encrypt(std::string_view key, std::string_view nonce,
                                        std::string_view associated_data,
                                        std::string_view plaintext);

}  // namespace orderops::wechatpay
