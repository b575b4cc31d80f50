#include "kube/http_transport.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cpprest/http_client.h>
#include <boost/asio/ssl.hpp>

#include "kube/cpprest_line_stream.h"
#include "kube/cpprest_util.h"
#include "kube/token_bucket.h"
#include "kube/token_source.h"

namespace orderops::kube {
namespace {

namespace http = web::http;
using detail::await;
using detail::head_of;

// cpprest's own idle timeouts (reset on every chunk); our deadlines are shorter and come first.
constexpr std::chrono::seconds kRestIdleTimeout{300};
constexpr std::chrono::seconds kStreamIdleTimeout{660};

http::method method_of(Verb verb) {
  switch (verb) {
    case Verb::kGet:
      return http::methods::GET;
    case Verb::kPost:
      return http::methods::POST;
    case Verb::kPut:
      return http::methods::PUT;
    case Verb::kPatch:
      return http::methods::PATCH;
    case Verb::kDelete:
      return http::methods::DEL;
  }
  return http::methods::GET;
}

// Trust exactly the configured CA (client-go replaces the root pool) and present the client
// certificate. Throws boost::system::system_error on bad PEM; create() runs it once to check.
void configure_tls(boost::asio::ssl::context& ctx, const ClusterConfig& config) {
  if (!config.ca_pem.empty()) {
    SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
    ctx.add_certificate_authority(boost::asio::buffer(config.ca_pem));
  }
  if (!config.client_cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(config.client_cert_pem));
    ctx.use_private_key(boost::asio::buffer(config.client_key_pem), boost::asio::ssl::context::pem);
  }
}

http::client::http_client_config client_config(const ClusterConfig& config,
                                               std::chrono::seconds idle) {
  http::client::http_client_config out;
  out.set_timeout(idle);
  out.set_validate_certificates(true);
  out.set_ssl_context_callback(
      [config](boost::asio::ssl::context& ctx) { configure_tls(ctx, config); });
  return out;
}

}  // namespace

struct HttpTransport::Impl {
  Impl(const ClusterConfig& config, const Clock& clock, Logger log, HttpTransportOptions options)
      : rest(utility::conversions::to_string_t(config.server),
             client_config(config, kRestIdleTimeout)),
        streams(utility::conversions::to_string_t(config.server),
                client_config(config, kStreamIdleTimeout)),
        tokens(config.bearer_token, config.token_file, clock),
        limiter(config.qps, config.burst, clock),
        clock(clock),
        log(std::move(log)),
        options(std::move(options)) {}

  Result<http::http_request> build(const HttpRequest& request, const std::string& token) const {
    web::uri_builder uri;
    uri.set_path(utility::conversions::to_string_t(request.path));
    for (const auto& [k, v] : request.query) uri.append_query(k, v, true);
    http::http_request msg(method_of(request.verb));
    msg.set_request_uri(uri.to_uri());
    msg.headers().add("Accept", "application/json");
    msg.headers().add("User-Agent", options.user_agent);
    if (!token.empty()) msg.headers().add("Authorization", "Bearer " + token);
    if (!request.content_type.empty()) msg.set_body(request.body, request.content_type);
    return msg;
  }

  // Client-side QPS/burst shared by every request (client-go's flowcontrol limiter).
  Status throttle(const std::stop_token& stop) {
    const Duration wait = limiter.reserve();
    if (wait > Duration::zero() && !clock.sleep_for(wait, stop)) {
      return make_error(ErrorCode::kCancelled, "request stopped");
    }
    return {};
  }

  Result<HttpResponse> send_once(const HttpRequest& request, const std::string& token,
                                 const std::stop_token& stop) {
    if (auto st = throttle(stop); !st) return std::unexpected(st.error());
    auto msg = build(request, token);
    if (!msg) return std::unexpected(msg.error());
    pplx::cancellation_token_source cts;
    std::stop_callback on_stop(stop, detail::CancelRequest{cts});
    auto task = rest.request(*msg, cts.get_token()).then([](http::http_response response) {
      return response.extract_utf8string(true).then([response](std::string body) {
        HttpResponse out = head_of(response);
        out.body = std::move(body);
        return out;
      });
    });
    const Duration timeout =
        request.timeout > Duration::zero() ? request.timeout : options.default_timeout;
    try {
      return await(std::move(task), detail::CancelRequest{cts}, timeout, stop);
    } catch (...) {
      return std::unexpected(detail::transport_error(std::current_exception(), false));
    }
  }

  Result<StreamResponse> open_once(const HttpRequest& request, const std::string& token,
                                   const std::stop_token& stop) {
    if (auto st = throttle(stop); !st) return std::unexpected(st.error());
    auto msg = build(request, token);
    if (!msg) return std::unexpected(msg.error());
    pplx::cancellation_token_source cts;
    const MonotonicTime deadline =
        clock.monotonic() +
        (request.timeout > Duration::zero() ? request.timeout : Duration(kStreamIdleTimeout));
    auto response = [&]() -> Result<http::http_response> {
      std::stop_callback on_stop(stop, detail::CancelRequest{cts});
      try {
        return await(
            streams.request(*msg, cts.get_token()), detail::CancelRequest{cts},
            std::min<Duration>(options.stream_header_timeout, deadline - clock.monotonic()), stop);
      } catch (...) {
        return std::unexpected(detail::transport_error(std::current_exception(), false));
      }
    }();
    if (!response) return std::unexpected(response.error());
    StreamResponse out{head_of(*response), nullptr};
    if (out.head.status != 200) {
      auto body = await(response->extract_utf8string(true), detail::CancelRequest{cts},
                        options.default_timeout, stop);
      if (body) out.head.body = std::move(*body);
      return out;
    }
    out.lines = std::make_unique<detail::CpprestLineStream>(std::move(*response), cts, stop, clock,
                                                            deadline);
    return out;
  }

  // Runs `attempt` with the current token; after a 401 with a file token, re-reads the file and
  // tries once more if the token changed (the kubelet may have rotated it).
  template <class F>
  auto with_token(F&& attempt) -> decltype(attempt(std::string())) {
    auto token = tokens.token();
    if (!token) return std::unexpected(token.error());
    auto result = attempt(*token);
    if (!result || status_of(*result) != 401 || !tokens.invalidate()) return result;
    auto fresh = tokens.token();
    if (!fresh || *fresh == *token) return result;
    log.info("token rejected, retrying with the re-read token file");
    return attempt(*fresh);
  }

  static int status_of(const HttpResponse& r) { return r.status; }
  static int status_of(const StreamResponse& r) { return r.head.status; }

  http::client::http_client rest;
  http::client::http_client streams;
  TokenSource tokens;
  TokenBucket limiter;
  const Clock& clock;
  Logger log;
  HttpTransportOptions options;
};

HttpTransport::HttpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpTransport::~HttpTransport() = default;

Result<std::unique_ptr<HttpTransport>> HttpTransport::create(const ClusterConfig& config,
                                                             const Clock& clock, Logger log,
                                                             HttpTransportOptions options) {
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return invalid("server \"" + config.server + "\" is not an http(s) URL");
  }
  try {
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
    configure_tls(probe, config);
  } catch (const std::exception& e) {
    return invalid(std::string("TLS material in the Kubernetes configuration: ") + e.what());
  }
  try {
    auto impl = std::make_unique<Impl>(config, clock, std::move(log), std::move(options));
    return std::unique_ptr<HttpTransport>(new HttpTransport(std::move(impl)));
  } catch (const std::exception& e) {
    return invalid(std::string("API server URL: ") + e.what());
  }
}

Result<HttpResponse> HttpTransport::send(const HttpRequest& request, std::stop_token stop) {
  return impl_->with_token(
      [&](const std::string& token) { return impl_->send_once(request, token, stop); });
}

Result<StreamResponse> HttpTransport::open_stream(const HttpRequest& request,
                                                  std::stop_token stop) {
  return impl_->with_token(
      [&](const std::string& token) { return impl_->open_once(request, token, stop); });
}

}  // namespace orderops::kube
