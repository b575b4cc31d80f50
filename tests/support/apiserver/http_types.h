// Transport-neutral HTTP request/response values shared by the listener and the API handlers, so
// the Kubernetes semantics never see Beast or Asio types. Plain values; thread-compatible.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderops::apiserver {

struct HttpRequest {
  std::string method;  // upper case
  std::string path;    // percent-decoded, without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // First value of a query parameter, if present.
  std::optional<std::string> param(std::string_view name) const;
  std::string header(std::string_view lower_name) const;
};

// Receives the chunks of a streamed (chunked) response, one call per event.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // Writes one chunk and flushes it. Returns false when the peer went away.
  virtual bool write(std::string_view data) = 0;
  // True once the peer closed its side (a watch client that gave up).
  virtual bool peer_closed() = 0;
  // Ends the connection without the terminating chunk (simulates a dropped connection).
  virtual void abort() = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the listener sends the status and headers with chunked encoding and hands a sink
  // to this function; returning ends the stream cleanly (unless the sink was aborted).
  std::function<void(ChunkSink&)> stream;

  void set_header(std::string name, std::string value);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

std::string percent_decode(std::string_view text);
// Splits "a=b&c=d" (values percent-decoded, '+' as space).
std::multimap<std::string, std::string> parse_query(std::string_view text);

}  // namespace orderops::apiserver
