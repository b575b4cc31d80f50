// Builds the WeChat Pay client of a ProfitShareSchedule from its spec and resolved Secrets: the
// credentials Secret's data (api.md 1.3 key names), the optional CA bundle, and the limiter the
// four tasks of one merchant share (requestsPerSecond, maxConcurrentRequests). For the reconciler
// and `orderops run`. Functions are thread-safe; the client is too.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "api/profit_share_schedule.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "wechatpay/client.h"

namespace orderops::profitshare {

struct ResolvedSecrets {
  std::map<std::string, std::string> credentials;  // the credentialsSecretRef Secret's data
  std::string ca_pem;                              // caSecretRef's key, "" when unset
};

// kInvalid with reason "InvalidCredentials" naming the key when the Secret lacks or garbles one
// (a malformed key, an APIv3 key that is not 32 bytes, half a public-key pair).
Result<wechatpay::MerchantCredentials> merchant_credentials(
    const api::ProfitShareScheduleSpec& spec, const std::map<std::string, std::string>& data);

wechatpay::ClientOptions client_options(const api::ProfitShareScheduleSpec& spec,
                                        std::string ca_pem);

// One per merchant (mchId + subMchId), shared by its tasks; set_limits() on spec changes.
std::shared_ptr<wechatpay::MerchantLimiter> make_merchant_limiter(
    const api::ProfitShareScheduleSpec& spec, const Clock& clock);

// merchant_credentials + client_options + wechatpay::Client::connect; no I/O yet. `clock` must
// outlive the client.
Result<std::unique_ptr<wechatpay::Client>> connect_merchant_client(
    const api::ProfitShareScheduleSpec& spec, const ResolvedSecrets& secrets,
    std::shared_ptr<wechatpay::MerchantLimiter> limiter, const Clock& clock, Logger logger,
    std::shared_ptr<wechatpay::RequestObserver> observer = nullptr);

}  // namespace orderops::profitshare
