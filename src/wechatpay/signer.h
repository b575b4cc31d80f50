// Request signing: SHA256withRSA over "METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n" (URL = path and
// query exactly as sent) and the Authorization header; clock and nonces are injected so tests are
// byte-exact. RequestSigner is thread-safe if its NonceSource is.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "wechatpay/rsa_key.h"

namespace orderops::wechatpay {

inline constexpr std::string_view kAuthScheme = "WECHATPAY2-SHA256-RSA2048";

std::string request_sign_message(std::string_view method, std::string_view canonical_url,
                                 std::int64_t timestamp, std::string_view nonce,
                                 std::string_view body);
// "ts\nnonce\nbody\n": what responses and notifications are signed over.
std::string response_sign_message(std::string_view timestamp, std::string_view nonce,
                                  std::string_view body);

class NonceSource {
 public:
  virtual ~NonceSource() = default;
  virtual std::string next() = 0;
};
// 32 random characters from [0-9A-Za-z] (what the official SDKs send). Thread-safe.
std::unique_ptr<NonceSource> make_random_nonce_source();

struct SignedRequest {
  std::string authorization;  // full header value, scheme included
  std::int64_t timestamp = 0;
  std::string nonce;
};

class RequestSigner {
 public:
  RequestSigner(std::string mch_id, std::string serial_no, RsaPrivateKey key, const Clock& clock,
                NonceSource& nonces);

  Result<SignedRequest> sign(std::string_view method, std::string_view canonical_url,
                             std::string_view body) const;

 private:
  std::string mch_id_;
  std::string serial_no_;
  RsaPrivateKey key_;
  const Clock& clock_;
  NonceSource& nonces_;
};

}  // namespace orderops::wechatpay
