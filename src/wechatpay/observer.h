// Per-attempt reports for metrics (orderops_wechatpay_requests_total{endpoint,code} and the
// duration histogram), without tying this module to Prometheus. Implementations must be
// thread-safe and fast: they run on the request path.
#pragma once

#include <string_view>

#include "common/clock.h"

namespace orderops::wechatpay {

struct AttemptReport {
  // "query_order", "create_order", "unfreeze", "unsplit_amount", "apply_bill", "download_bill",
  // "certificates".
  std::string_view endpoint;
  // HTTP status of a good answer ("200"); the WeChat code of an error answer ("PARAM_ERROR", else
  // its status, "503"); our reason for local failures ("NETWORK", "TIMEOUT",
  // "RESPONSE_SIGNATURE_INVALID", ...). Never secret.
  std::string_view code;
  Duration duration;  // one attempt, limiter waits excluded
  int attempt = 1;
};

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void on_attempt(const AttemptReport& report) = 0;
};

}  // namespace orderops::wechatpay
