// Platform certificates: the X.509 certificates WeChat Pay signs responses with, delivered by
// GET /v3/certificates with each PEM encrypted under the merchant's APIv3 key. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "wechatpay/rsa_key.h"

namespace orderops::wechatpay {

struct PlatformCertificate {
  std::string serial_no;  // upper-case hex, as in Wechatpay-Serial
  SystemTime not_before;
  SystemTime not_after;
  RsaPublicKey public_key;
  std::string pem;
};

// Parses one PEM X.509 certificate with an RSA key.
Result<PlatformCertificate> parse_certificate_pem(std::string_view pem);

// Decrypts every entry of a /v3/certificates response body with the APIv3 key. The list is
// newest first (by not_before). Fails if any entry does not decrypt or parse: a partial set would
// hide a wrong APIv3 key.
Result<std::vector<PlatformCertificate>> decode_certificates_response(std::string_view body,
                                                                      std::string_view apiv3_key);

}  // namespace orderops::wechatpay
