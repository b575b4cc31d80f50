#include "reconcile/credentials_probe.h"

#include "api/condition_types.h"
#include "wechatpay/client.h"

namespace orderops::reconcile {
namespace {

// The message goes into the Ready condition: it must read the same on every look, so the
// per-call Request-ID WeChat Pay errors carry is left out.
std::string stable(std::string message) {
  if (const auto at = message.rfind(" [Request-ID "); at != std::string::npos) {
    message.erase(at);
  }
  return message;
}

Error invalid_credentials(const Error& cause) {
  Error e = cause;
  e.code = ErrorCode::kInvalid;
  e.reason = std::string(api::reasons::kInvalidCredentials);
  e.message = "invalid WeChat Pay credentials: " + stable(cause.message);
  return e;
}

}  // namespace

WechatCredentialsProbe::WechatCredentialsProbe(const Clock& clock, Logger log, Duration success_ttl)
    : clock_(clock), log_(std::move(log)), success_ttl_(success_ttl) {}

Status WechatCredentialsProbe::probe(const std::string& cache_key,
                                     const api::ProfitShareScheduleSpec& spec,
                                     const profitshare::ResolvedSecrets& secrets,
                                     std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    const auto it = healthy_until_.find(cache_key);
    if (it != healthy_until_.end() && clock_.monotonic() < it->second) return {};
  }
  Result<bool> verified = probe_uncached(spec, secrets, stop);
  std::lock_guard lock(mu_);
  if (verified && *verified) {
    healthy_until_[cache_key] = clock_.monotonic() + success_ttl_;
  } else {
    healthy_until_.erase(cache_key);
  }
  if (!verified) return std::unexpected(verified.error());
  return {};
}

Result<bool> WechatCredentialsProbe::probe_uncached(const api::ProfitShareScheduleSpec& spec,
                                                    const profitshare::ResolvedSecrets& secrets,
                                                    std::stop_token stop) {
  auto credentials = profitshare::merchant_credentials(spec, secrets.credentials);
  if (!credentials) return std::unexpected(invalid_credentials(credentials.error()));
  // Public-key mode verifies answers without platform certificates; nothing more to ask.
  if (credentials->wechatpay_public_key_pem) return true;
  auto client = profitshare::connect_merchant_client(
      spec, secrets, profitshare::make_merchant_limiter(spec, clock_), clock_, log_);
  if (!client) return std::unexpected(invalid_credentials(client.error()));
  wechatpay::CallOptions call;
  call.stop = stop;
  Status fetched = (*client)->refresh_certificates(call);
  if (fetched) return true;
  // A wrong APIv3 key fails the certificate decryption (Invalid); a wrong private key or serial
  // is refused with SIGN_ERROR (Unauthorized). Anything else is WeChat Pay being unreachable.
  const ErrorCode code = fetched.error().code;
  if (code == ErrorCode::kInvalid || code == ErrorCode::kUnauthorized ||
      code == ErrorCode::kForbidden) {
    return std::unexpected(invalid_credentials(fetched.error()));
  }
  log_.warn("WeChat Pay unreachable while checking credentials",
            {{"error", fetched.error().message}});
  return false;  // not verified: ask again next time
}

}  // namespace orderops::reconcile
