// The HTTP seam of the WeChat Pay client: raw bytes both ways (signatures cover raw bytes), so
// unit tests can script answers; http_transport.h is the real one. Implementations must be
// thread-safe: one Transport serves all tasks of a merchant.
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace orderops::wechatpay {

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // path and query exactly as signed, e.g. "/v3/x/a%7Cb?y=1"
  std::vector<HttpHeader> headers;
  std::string body;
  Duration timeout = std::chrono::seconds(10);  // the whole exchange, body included
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;
  std::string body;  // empty when a 2xx body went to a BodySink

  // Case-insensitive; "" when absent.
  std::string header(std::string_view name) const;
};

// Receives a streamed body chunk by chunk; an error stops the transfer and is returned as is.
using BodySink = std::function<Status(std::string_view chunk)>;

// Error conventions for send(): network failures kUnavailable (reason "NETWORK"), the request
// timeout kTimeout (reason "TIMEOUT"), a stop request kCancelled.
inline constexpr std::string_view kReasonNetwork = "NETWORK";
inline constexpr std::string_view kReasonTimeout = "TIMEOUT";

class Transport {
 public:
  virtual ~Transport() = default;
  // With `sink`, a 2xx body is streamed into it instead of being returned; other bodies are
  // always returned whole (they are small error documents).
  virtual Result<HttpResponse> send(const HttpRequest& request, const BodySink* sink,
                                    std::stop_token stop) = 0;
};

}  // namespace orderops::wechatpay
