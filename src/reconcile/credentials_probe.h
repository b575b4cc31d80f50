// Whether a ProfitShareSchedule's WeChat Pay credentials work: the Secret parses (private key,
// serial, APIv3 key, optional WeChat Pay public key) and, in certificate mode, the platform
// certificates can be fetched and decrypted with the APIv3 key and the merchant's signature is
// accepted. Refusals come back with reason InvalidCredentials; an unreachable WeChat Pay is not a
// credentials problem and passes (runs will report it). Successes are remembered for a while per
// cache key (resource uid + Secret resourceVersion + endpoint). Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <stop_token>
#include <string>

#include "api/profit_share_schedule.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "profitshare/merchant_client.h"

namespace orderops::reconcile {

class CredentialsProbe {
 public:
  virtual ~CredentialsProbe() = default;
  virtual Status probe(const std::string& cache_key, const api::ProfitShareScheduleSpec& spec,
                       const profitshare::ResolvedSecrets& secrets, std::stop_token stop) = 0;
};

class WechatCredentialsProbe final : public CredentialsProbe {
 public:
  WechatCredentialsProbe(const Clock& clock, Logger log,
                         Duration success_ttl = std::chrono::minutes(10));
  Status probe(const std::string& cache_key, const api::ProfitShareScheduleSpec& spec,
               const profitshare::ResolvedSecrets& secrets, std::stop_token stop) override;

 private:
  // True when verified (worth remembering), false when WeChat Pay could not be asked.
  Result<bool> probe_uncached(const api::ProfitShareScheduleSpec& spec,
                              const profitshare::ResolvedSecrets& secrets, std::stop_token stop);

  const Clock& clock_;
  Logger log_;
  const Duration success_ttl_;
  std::mutex mu_;
  std::map<std::string, MonotonicTime> healthy_until_;  // guarded by mu_
};

}  // namespace orderops::reconcile
