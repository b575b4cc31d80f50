// Internal to the kube module: a LineStream over a cpprest response body. cpprest writes each
// chunk into the body buffer as it arrives, so lines are returned as soon as they are complete.
// The stream is bounded by a deadline (the watch's timeoutSeconds plus grace) and by a stop
// token; destroying it closes the connection. Used by one thread at a time.
#pragma once

#include <cpprest/http_client.h>

#include <optional>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "kube/cpprest_util.h"
#include "kube/transport.h"

namespace orderops::kube::detail {

// Ends a stream: cancels the request and closes the body buffer, which completes a pending read
// at once (cpprest does not cancel body reads after the headers) and makes cpprest drop the
// connection on its next write.
struct CloseStream {
  pplx::cancellation_token_source cts;
  // A handle sharing the body buffer (cpprest's close() is non-const on the handle).
  mutable concurrency::streams::streambuf<uint8_t> body;
  void operator()() const;
};

class CpprestLineStream final : public LineStream {
 public:
  CpprestLineStream(web::http::http_response response, pplx::cancellation_token_source cts,
                    std::stop_token stop, const Clock& clock, MonotonicTime deadline);
  ~CpprestLineStream() override;

  Result<std::optional<std::string>> next_line() override;

 private:
  // Appends what is available (at least one byte unless the body ended). False at the end.
  Result<bool> fill();

  web::http::http_response response_;
  concurrency::streams::streambuf<uint8_t> body_;
  pplx::cancellation_token_source cts_;
  std::stop_token stop_;
  std::stop_callback<CloseStream> on_stop_;
  const Clock& clock_;
  MonotonicTime deadline_;
  std::string pending_;
  bool ended_ = false;
};

}  // namespace orderops::kube::detail
