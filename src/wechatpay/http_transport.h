// The production Transport over cpprestsdk's http_client (kept out of this header): TLS with
// certificate and host name verification always on, plus an optional extra CA bundle (tests and
// the demo trust the mock's self-signed certificate that way). Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "wechatpay/transport.h"

namespace orderops::wechatpay {

struct HttpTransportOptions {
  // scheme://host[:port]; any path is ignored here (requests carry their full target).
  std::string origin = "https://api.mch.weixin.qq.com";
  std::string extra_ca_pem;  // PEM bundle trusted in addition to the system store
  Duration socket_timeout = std::chrono::seconds(30);  // per socket operation, a backstop
};

// Each request is bounded by its HttpRequest::timeout, measured on `clock` (which must outlive
// the transport) or, when null, on the machine's clock: I/O deadlines are real time even when
// the caller's decisions run on a FakeClock.
Result<std::unique_ptr<Transport>> make_http_transport(const HttpTransportOptions& options,
                                                       const Clock* clock = nullptr);

}  // namespace orderops::wechatpay
