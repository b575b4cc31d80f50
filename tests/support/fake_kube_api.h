// A scripted Kubernetes API for unit tests (kube-rs ApiServerVerifier style).
// Header-only; thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kube/transport.h"

namespace orderops::testing {

struct ApiCall {
  kube::Verb verb = kube::Verb::kGet;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // exact set; value "*" = any
  // The answer.
  int status = 200;
  std::string body;
  std::string retry_after;
  std::vector<std::string> warnings;
  std::optional<Error> transport_error;  // no HTTP answer at all
  // Watch answers: the lines of the stream, then a clean end or `stream_error`.
  std::vector<std::string> lines;
  std::optional<Error> stream_error;
  // Runs when the request arrives (e.g. to check the body) and before the stream ends (e.g. to
  // let fake time pass during a watch).
  std::function<void(const kube::HttpRequest&)> on_request;
  std::function<void()> before_end;
  // The stream stays open after its lines until the request's stop token fires (a quiet watch).
  bool hold_open = false;
};

// A scripted Kubernetes API for unit tests (kube-rs ApiServerVerifier style): the test lists the
// requests it expects, in order, with the answer to each; every request is checked against the
// next expectation (verb, path ("*" = any), exact query ("*" = any value)) and anything
// unexpected fails the test. Watch answers stream their lines and then end (or fail). Header-only;
// thread-safe.
class FakeKubeApi final : public kube::Transport {
 public:
  void expect(ApiCall call) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(call));
  }

  Result<kube::HttpResponse> send(const kube::HttpRequest& request, std::stop_token) override {
    auto call = next(request);
    if (!call) return std::unexpected(call.error());
    if (call->transport_error) return std::unexpected(*call->transport_error);
    return kube::HttpResponse{call->status, call->body, call->retry_after, call->warnings};
  }

  Result<kube::StreamResponse> open_stream(const kube::HttpRequest& request,
                                           std::stop_token stop) override {
    auto call = next(request);
    if (!call) return std::unexpected(call.error());
    if (call->transport_error) return std::unexpected(*call->transport_error);
    kube::StreamResponse out{{call->status, {}, call->retry_after, call->warnings}, nullptr};
    if (call->status != 200) {
      out.head.body = call->body;
      return out;
    }
    out.lines = std::make_unique<Lines>(std::move(call->lines), std::move(call->stream_error),
                                        std::move(call->before_end),
                                        call->hold_open ? stop : std::stop_token());
    return out;
  }

  std::vector<kube::HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  size_t remaining() const {
    std::lock_guard lock(mu_);
    return script_.size();
  }

 private:
  class Lines final : public kube::LineStream {
   public:
    Lines(std::vector<std::string> lines, std::optional<Error> error, std::function<void()> end,
          std::stop_token hold)
        : lines_(lines.begin(), lines.end()),
          error_(std::move(error)),
          end_(std::move(end)),
          hold_(std::move(hold)) {}
    Result<std::optional<std::string>> next_line() override {
      if (!lines_.empty()) {
        std::string line = std::move(lines_.front());
        lines_.pop_front();
        return std::optional<std::string>(std::move(line));
      }
      if (hold_.stop_possible()) {
        std::mutex mu;
        std::condition_variable_any cv;
        std::unique_lock lock(mu);
        cv.wait(lock, hold_, [] { return false; });
        return make_error(ErrorCode::kCancelled, "stream stopped");
      }
      if (end_) {
        end_();
        end_ = nullptr;
      }
      if (error_) return std::unexpected(*error_);
      return std::optional<std::string>();
    }

   private:
    std::deque<std::string> lines_;
    std::optional<Error> error_;
    std::function<void()> end_;
    std::stop_token hold_;
  };

  static std::string describe(const kube::HttpRequest& r) {
    std::string out(kube::to_string(r.verb));
    out += " " + r.path;
    for (const auto& [k, v] : r.query) out += " " + k + "=" + v;
    return out;
  }

  static bool query_matches(std::vector<std::pair<std::string, std::string>> want,
                            std::vector<std::pair<std::string, std::string>> got) {
    if (want.size() != got.size()) return false;
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    for (size_t i = 0; i < want.size(); ++i) {
      if (want[i].first != got[i].first) return false;
      if (want[i].second != "*" && want[i].second != got[i].second) return false;
    }
    return true;
  }

  Result<ApiCall> next(const kube::HttpRequest& request) {
    ApiCall call;
    {
      std::lock_guard lock(mu_);
      seen_.push_back(request);
      if (script_.empty()) {
        ADD_FAILURE() << "unexpected request: " << describe(request);
        return make_error(ErrorCode::kInternal, "unexpected request");
      }
      call = std::move(script_.front());
      script_.pop_front();
    }
    EXPECT_EQ(kube::to_string(request.verb), kube::to_string(call.verb)) << describe(request);
    if (call.path != "*") {
      EXPECT_EQ(request.path, call.path) << describe(request);
    }
    EXPECT_TRUE(query_matches(call.query, request.query)) << "query of " << describe(request);
    if (call.on_request) call.on_request(request);
    return call;
  }

  mutable std::mutex mu_;
  std::deque<ApiCall> script_;
  std::vector<kube::HttpRequest> seen_;
};

}  // namespace orderops::testing
