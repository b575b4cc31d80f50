// The HTTP seam of the Kubernetes client: one request in, one response (or a line stream) out.
// HttpTransport implements it over cpprestsdk; unit tests script a fake (kube-rs ApiServerVerifier
// style) that checks every request and answers with recorded JSON. Implementations are
// thread-safe; a LineStream is used by one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace orderops::kube {

enum class Verb { kGet, kPost, kPut, kPatch, kDelete };
std::string_view to_string(Verb verb);

struct HttpRequest {
  Verb verb = Verb::kGet;
  std::string path;  // absolute, unescaped ("/apis/g/v/namespaces/ns/plural/name")
  std::vector<std::pair<std::string, std::string>> query;  // unescaped; the transport encodes
  std::string content_type;                                // empty when there is no body
  std::string body;
  // Whole-request budget (for streams: the longest the stream may live). Zero: transport default.
  Duration timeout{};

  // The value of a query parameter, or nullopt.
  std::optional<std::string> query_value(std::string_view key) const;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string retry_after;            // raw Retry-After header, empty when absent
  std::vector<std::string> warnings;  // Warning headers
};

// A response body read line by line as it arrives (watch streams).
class LineStream {
 public:
  virtual ~LineStream() = default;
  // Blocks for the next line, without its newline. nullopt: the body ended cleanly. An error
  // (kUnavailable, kTimeout, kCancelled): the connection broke, timed out or was stopped.
  virtual Result<std::optional<std::string>> next_line() = 0;
};

struct StreamResponse {
  // For status 200 `lines` streams the body; otherwise head.body holds the whole body.
  HttpResponse head;
  std::unique_ptr<LineStream> lines;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends and reads the whole response. An Error only when no HTTP answer arrived (refused,
  // reset, timeout, stop); HTTP error statuses come back as responses for the caller to decode.
  virtual Result<HttpResponse> send(const HttpRequest& request, std::stop_token stop) = 0;
  // Sends and returns once the response headers arrived. `stop` also cancels the open stream.
  virtual Result<StreamResponse> open_stream(const HttpRequest& request, std::stop_token stop) = 0;
};

}  // namespace orderops::kube
