#include "profitshare/merchant_client.h"

#include <optional>

namespace orderops::profitshare {

Result<wechatpay::MerchantCredentials> merchant_credentials(
    const api::ProfitShareScheduleSpec& spec, const std::map<std::string, std::string>& data) {
  std::optional<std::string> sub;
  if (!spec.merchant.sub_mch_id.empty()) sub = spec.merchant.sub_mch_id;
  auto credentials = wechatpay::credentials_from_secret(data, spec.merchant.mch_id, sub);
  if (!credentials) return credentials;
  // Parsing here (the client parses again) reports a bad key before any run starts.
  if (auto keys = wechatpay::parse_credentials(*credentials); !keys) {
    return std::unexpected(keys.error());
  }
  return credentials;
}

wechatpay::ClientOptions client_options(const api::ProfitShareScheduleSpec& spec,
                                        std::string ca_pem) {
  wechatpay::ClientOptions o;
  o.endpoint = spec.endpoint;
  o.extra_ca_pem = std::move(ca_pem);
  return o;
}

std::shared_ptr<wechatpay::MerchantLimiter> make_merchant_limiter(
    const api::ProfitShareScheduleSpec& spec, const Clock& clock) {
  return std::make_shared<wechatpay::MerchantLimiter>(
      clock, static_cast<double>(spec.requests_per_second), spec.max_concurrent_requests);
}

Result<std::unique_ptr<wechatpay::Client>> connect_merchant_client(
    const api::ProfitShareScheduleSpec& spec, const ResolvedSecrets& secrets,
    std::shared_ptr<wechatpay::MerchantLimiter> limiter, const Clock& clock, Logger logger,
    std::shared_ptr<wechatpay::RequestObserver> observer) {
  auto credentials = merchant_credentials(spec, secrets.credentials);
  if (!credentials) return std::unexpected(credentials.error());
  wechatpay::ClientHooks hooks;
  hooks.limiter = std::move(limiter);
  hooks.observer = std::move(observer);
  return wechatpay::Client::connect(*credentials, client_options(spec, secrets.ca_pem), clock,
                                    std::move(logger), std::move(hooks));
}

}  // namespace orderops::profitshare
