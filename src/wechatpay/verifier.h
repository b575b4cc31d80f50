// Response verification: the platform keys (certificates by serial, the WeChat Pay public key by
// PUB_KEY_ID_..., or both) and the checks on a signed 2xx answer over its raw body bytes.
// PlatformKeys is thread-safe; verify_response is pure.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "wechatpay/certificate.h"
#include "wechatpay/rsa_key.h"

namespace orderops::wechatpay {

inline constexpr std::string_view kSignTestPrefix = "WECHATPAY/SIGNTEST/";
// "allow at most 5 minutes": answers stamped this far from our clock, either way, are refused.
inline constexpr std::chrono::seconds kMaxClockSkew{300};

// Error::reason values of verification failures (all ErrorCode::kUnauthorized).
inline constexpr std::string_view kReasonUnsigned = "RESPONSE_UNSIGNED";
inline constexpr std::string_view kReasonTimestamp = "RESPONSE_TIMESTAMP_EXPIRED";
inline constexpr std::string_view kReasonUnknownSerial = "RESPONSE_SERIAL_UNKNOWN";
inline constexpr std::string_view kReasonBadSignature = "RESPONSE_SIGNATURE_INVALID";
inline constexpr std::string_view kReasonSignTest = "RESPONSE_SIGNTEST_PROBE";

// The Wechatpay-* header values of one answer (empty when absent).
struct ResponseSignature {
  std::string timestamp;
  std::string nonce;
  std::string signature;
  std::string serial;
  std::string signature_type;
};

class PlatformKeys {
 public:
  struct Entry {
    std::string serial;
    RsaPublicKey key;
  };

  void set_public_key(std::string id, RsaPublicKey key);
  // Adds `certs`, replacing entries with the same serial, and drops certificates expired at
  // `now`; older ones stay so answers signed during a rotation still verify.
  void merge_certificates(std::vector<PlatformCertificate> certs, SystemTime now);

  std::optional<RsaPublicKey> find(std::string_view serial) const;
  // What to name in Wechatpay-Serial and encrypt sensitive fields with: the public key when
  // configured, else the newest valid certificate.
  std::optional<Entry> preferred(SystemTime now) const;
  std::size_t certificate_count() const;

 private:
  mutable std::mutex mu_;
  std::optional<Entry> public_key_;
  std::vector<PlatformCertificate> certificates_;  // newest first
};

Status verify_response(const ResponseSignature& signature, std::string_view body,
                       const PlatformKeys& keys, SystemTime now);

}  // namespace orderops::wechatpay
