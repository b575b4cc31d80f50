// Keys the WeChat Pay mock generates at start (merchant API key, APIv3 key, rotatable platform
// certificates, WeChat Pay public key pair, TLS identity) and writes to --state-dir.
// Not thread-safe; the service guards it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "http_server.h"
#include "wechatpay/rsa_key.h"

namespace orderops::wechatpay::mock {

struct PlatformCert {
  std::string serial;  // 40 upper-case hex
  std::string pem;
  RsaPrivateKey key;
  SystemTime not_before;
  SystemTime not_after;
  bool retired = false;  // no longer listed nor accepted
};

struct MockKeys {
  std::string mch_id;
  RsaPrivateKey merchant_key;
  std::string merchant_serial;
  std::string apiv3_key;
  std::vector<PlatformCert> certs;  // oldest first; the last one signs
  RsaPrivateKey pubkey_private;
  std::string pubkey_id;
  std::optional<TlsIdentity> tls;
};

Result<PlatformCert> make_platform_cert(SystemTime now);
Result<MockKeys> generate_keys(const std::string& mch_id, bool tls, SystemTime now);

// Files (see README.md): apiclient_key.pem, merchant_serial_no, apiv3_key, mch_id,
// wechatpay_public_key.pem, wechatpay_public_key_id, platform_cert.pem (newest), ca.crt (TLS only),
// endpoint. Key files are 0600.
Status write_state_dir(const std::string& dir, const MockKeys& keys, const std::string& url);
// Rewrites platform_cert.pem after a rotation.
Status write_platform_cert(const std::string& dir, const MockKeys& keys);

}  // namespace orderops::wechatpay::mock
