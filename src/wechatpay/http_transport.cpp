#include "wechatpay/http_transport.h"

#include <cpprest/http_client.h>

#include <atomic>
#include <thread>

namespace orderops::wechatpay {
namespace {

namespace http = web::http;

constexpr std::size_t kChunkBytes = 64 * 1024;

bool is_content_type(std::string_view name) {
  constexpr std::string_view kName = "content-type";
  if (name.size() != kName.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != kName[i]) return false;
  }
  return true;
}

Result<http::http_request> build(const HttpRequest& request) {
  http::http_request req(request.method);
  try {
    // The target is already percent-escaped and signed; web::uri keeps the encoded form.
    req.set_request_uri(web::uri(request.target));
  } catch (const std::exception& e) {
    return invalid("request target is not a valid URI: " + std::string(e.what()));
  }
  std::string content_type;
  for (const auto& h : request.headers) {
    if (is_content_type(h.name)) {
      content_type = h.value;
    } else {
      req.headers().add(h.name, h.value);
    }
  }
  if (!request.body.empty() || !content_type.empty()) {
    req.set_body(request.body, content_type.empty() ? "application/json" : content_type);
  }
  return req;
}

Status stream_body(http::http_response& resp, const BodySink& sink) {
  auto buf = resp.body().streambuf();
  std::vector<unsigned char> chunk(kChunkBytes);
  for (;;) {
    const std::size_t n = buf.getn(chunk.data(), chunk.size()).get();
    if (n == 0) return {};
    if (auto st = sink(std::string_view(reinterpret_cast<const char*>(chunk.data()), n)); !st) {
      return st;
    }
  }
}

class CpprestTransport final : public Transport {
 public:
  CpprestTransport(const http::client::http_client& client, const Clock* clock)
      : client_(client), clock_(clock != nullptr ? *clock : system_clock_) {}

  Result<HttpResponse> send(const HttpRequest& request, const BodySink* sink,
                            std::stop_token stop) override {
    auto req = build(request);
    if (!req) return std::unexpected(req.error());
    pplx::cancellation_token_source cts;
    std::atomic<bool> timed_out = false;
    const MonotonicTime deadline = clock_.monotonic() + request.timeout;
    // Cancelling the token closes the connection, which also ends a body read in progress.
    std::jthread watchdog([&](std::stop_token own) {
      if (clock_.sleep_until(deadline, own)) {
        timed_out = true;
        cts.cancel();
      }
    });
    std::stop_callback on_stop(stop, [&] { cts.cancel(); });
    try {
      http::http_response resp = client_.request(*req, cts.get_token()).get();
      HttpResponse out;
      out.status = resp.status_code();
      for (const auto& [name, value] : resp.headers()) out.headers.push_back({name, value});
      if (sink != nullptr && out.status / 100 == 2) {
        if (auto st = stream_body(resp, *sink); !st) {
          cts.cancel();
          return std::unexpected(st.error());
        }
      } else {
        const auto bytes = resp.extract_vector().get();
        out.body.assign(bytes.begin(), bytes.end());
      }
      return out;
    } catch (const std::exception& e) {
      if (stop.stop_requested()) return make_error(ErrorCode::kCancelled, "request cancelled");
      if (timed_out) {
        return make_error(ErrorCode::kTimeout, "no complete answer within the request timeout",
                          std::string(kReasonTimeout));
      }
      return make_error(ErrorCode::kUnavailable, std::string("network: ") + e.what(),
                        std::string(kReasonNetwork));
    }
  }

 private:
  http::client::http_client client_;
  SystemClock system_clock_;
  const Clock& clock_;
};

}  // namespace

Result<std::unique_ptr<Transport>> make_http_transport(const HttpTransportOptions& options,
                                                       const Clock* clock) {
  http::client::http_client_config config;
  config.set_validate_certificates(true);
  config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(options.socket_timeout));
  if (!options.extra_ca_pem.empty()) {
    if (options.extra_ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return invalid("CA bundle: no PEM certificate in it");
    }
    config.set_ssl_context_callback([pem = options.extra_ca_pem](boost::asio::ssl::context& ctx) {
      boost::system::error_code ec;
      ctx.add_certificate_authority(boost::asio::buffer(pem), ec);
    });
  }
  try {
    http::client::http_client client(web::uri(options.origin), config);
    return std::make_unique<CpprestTransport>(client, clock);
  } catch (const std::exception& e) {
    return invalid("endpoint \"" + options.origin + "\": " + e.what());
  }
}

}  // namespace orderops::wechatpay
