// Internal: the state behind Client (signing, verification, certificates, retry loop), shared by
// client.cpp (endpoints) and client_bill.cpp (bill download). Not a public header.
// Thread-safe: the certificate store and refresh are synchronised; the rest is immutable.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <random>

#include "wechatpay/client.h"
#include "wechatpay/endpoint.h"
#include "wechatpay/verifier.h"

namespace orderops::wechatpay {

struct Client::Impl {
  enum class Check {
    kVerify,        // a signed JSON answer
    kCertificates,  // /v3/certificates: verified against the certificates it carries
    kNone,          // the bill file: not signed
  };

  struct Call {
    std::string_view endpoint;
    std::string method;
    std::string target;
    std::string body;  // built once: every attempt sends the same bytes
    Check check = Check::kVerify;
    std::string serial;  // Wechatpay-Serial, "" = omitted
    std::string_view accept = "application/json";
    const BodySink* sink = nullptr;
    std::function<bool()> may_retry;  // extra veto (a download that already wrote bytes)
  };

  Impl(MerchantKeys keys, Endpoint endpoint, ClientOptions options,
       std::shared_ptr<Transport> transport, const Clock& clock, Logger logger, ClientHooks hooks);

  Result<HttpResponse> execute(const Call& call, const CallOptions& opts);
  // The common case of the API calls: certificates ensured, then a verified call that names the
  // preferred platform serial.
  Result<HttpResponse> call_verified(std::string_view endpoint, std::string method,
                                     std::string_view path, std::string body,
                                     const CallOptions& opts);
  // Certificates on first use and when stale (certificate mode only).
  Status ensure_certificates(const CallOptions& opts);
  Status refresh(const CallOptions& opts);
  // The serial to name in Wechatpay-Serial for ordinary requests ("" when none known).
  std::string preferred_serial() const;
  std::string target(std::string_view path) const {
    return endpoint.path_prefix + std::string(path);
  }

  MerchantKeys keys;
  Endpoint endpoint;
  ClientOptions options;
  std::shared_ptr<Transport> transport;
  const Clock& clock;
  Logger log;
  ClientHooks hooks;
  RequestSigner signer;
  PlatformKeys platform;
  bool certificate_mode;  // no WeChat Pay public key configured

 private:
  Result<HttpResponse> attempt(const Call& call, const CallOptions& opts, int n);
  Status check(const Call& call, const HttpResponse& response, const CallOptions& opts);
  Status check_certificates(const HttpResponse& response, const ResponseSignature& signature);
  Status refresh_locked(const CallOptions& opts);
  void report(std::string_view endpoint, std::string_view code, Duration elapsed, int n);
  std::uint64_t next_seed();

  std::mutex refresh_mu_;
  std::optional<SystemTime> last_refresh_;  // guarded by refresh_mu_
  std::mutex seed_mu_;
  std::mt19937_64 seeds_;
};

}  // namespace orderops::wechatpay
