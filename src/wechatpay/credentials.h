// A merchant's WeChat Pay v3 credentials: the raw values as a Kubernetes Secret holds them
// (MerchantCredentials) and their parsed, validated form (MerchantKeys). Errors name the
// malformed credential and never quote key material. Values; thread-safe once built.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "wechatpay/rsa_key.h"

namespace orderops::wechatpay {

// Secret key names (api.md section 1.3).
inline constexpr std::string_view kSecretPrivateKey = "apiclient_key.pem";
inline constexpr std::string_view kSecretMerchantSerial = "merchant_serial_no";
inline constexpr std::string_view kSecretApiV3Key = "apiv3_key";
inline constexpr std::string_view kSecretPublicKey = "wechatpay_public_key.pem";
inline constexpr std::string_view kSecretPublicKeyId = "wechatpay_public_key_id";

struct MerchantCredentials {
  std::string mch_id;              // digits
  std::string merchant_serial_no;  // merchant API certificate serial (hex)
  std::string private_key_pem;     // RSA, PKCS#8 or PKCS#1, unencrypted
  std::string apiv3_key;           // exactly 32 bytes
  // Public-key mode (both or neither). Without them, platform certificates are fetched.
  std::optional<std::string> wechatpay_public_key_pem;
  std::optional<std::string> wechatpay_public_key_id;  // "PUB_KEY_ID_" + digits
  std::optional<std::string> sub_mchid;                // service-provider mode
};

// Builds credentials from Secret data (key name -> value) using the names above. A trailing
// newline on single-line values (as `kubectl create secret --from-file` keeps) is dropped.
Result<MerchantCredentials> credentials_from_secret(const std::map<std::string, std::string>& data,
                                                    std::string mch_id,
                                                    std::optional<std::string> sub_mchid = {});

struct MerchantKeys {
  std::string mch_id;
  std::string merchant_serial_no;  // upper-cased
  RsaPrivateKey private_key;
  std::string apiv3_key;
  std::optional<RsaPublicKey> wechatpay_public_key;
  std::string wechatpay_public_key_id;  // empty unless public-key mode
  std::string sub_mchid;                // empty unless service-provider mode
};

// Validates and parses; the error's reason is "InvalidCredentials" and its message names the
// field (e.g. "apiclient_key.pem: not an unencrypted PEM private key ...").
Result<MerchantKeys> parse_credentials(const MerchantCredentials& credentials);

}  // namespace orderops::wechatpay
