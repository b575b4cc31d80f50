#include "wechatpay/client_impl.h"

#include <algorithm>

#include "wechatpay/api_error.h"
#include "wechatpay/certificate.h"
#include "wechatpay/encoding.h"

namespace orderops::wechatpay {
namespace {

std::shared_ptr<NonceSource> nonces_or_default(const ClientHooks& hooks) {
  if (hooks.nonces) return hooks.nonces;
  return std::shared_ptr<NonceSource>(make_random_nonce_source());
}

bool should_retry(const Error& e) {
  if (e.code == ErrorCode::kCancelled) return false;
  if (e.http_status && is_retryable_status(*e.http_status)) return true;
  // A forged-looking answer (or a SIGNTEST probe) is treated as lost: the request is idempotent,
  // so asking again is safe and usually gets a properly signed answer.
  return e.reason == kReasonNetwork || e.reason == kReasonTimeout ||
         e.reason == kReasonBadSignature || e.reason == kReasonSignTest ||
         e.reason == kReasonUnsigned;
}

ResponseSignature signature_of(const HttpResponse& r) {
  return {r.header("Wechatpay-Timestamp"), r.header("Wechatpay-Nonce"),
          r.header("Wechatpay-Signature"), r.header("Wechatpay-Serial"),
          r.header("Wechatpay-Signature-Type")};
}

std::int64_t millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

Client::Impl::Impl(MerchantKeys keys_in, Endpoint endpoint_in, ClientOptions options_in,
                   std::shared_ptr<Transport> transport_in, const Clock& clock_in, Logger logger,
                   ClientHooks hooks_in)
    : keys(std::move(keys_in)),
      endpoint(std::move(endpoint_in)),
      options(std::move(options_in)),
      transport(std::move(transport_in)),
      clock(clock_in),
      log(logger.named("wechatpay").with({{"mchid", keys.mch_id}})),
      hooks([&] {
        ClientHooks h = std::move(hooks_in);
        h.nonces = nonces_or_default(h);
        return h;
      }()),
      signer(keys.mch_id, keys.merchant_serial_no, keys.private_key, clock, *hooks.nonces),
      certificate_mode(!keys.wechatpay_public_key.has_value()) {
  if (keys.wechatpay_public_key) {
    platform.set_public_key(keys.wechatpay_public_key_id, *keys.wechatpay_public_key);
  }
  std::uint64_t seed = options.jitter_seed;
  if (seed == 0) {
    const std::string bytes = random_bytes(sizeof seed);
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(&seed));
  }
  seeds_.seed(seed);
}

std::uint64_t Client::Impl::next_seed() {
  std::lock_guard lock(seed_mu_);
  return seeds_();
}

Result<HttpResponse> Client::Impl::call_verified(std::string_view endpoint_name, std::string method,
                                                 std::string_view path, std::string body,
                                                 const CallOptions& opts) {
  if (auto st = ensure_certificates(opts); !st) return std::unexpected(st.error());
  return execute({endpoint_name, std::move(method), target(path), std::move(body), Check::kVerify,
                  preferred_serial()},
                 opts);
}

std::string Client::Impl::preferred_serial() const {
  auto entry = platform.preferred(clock.now());
  return entry ? entry->serial : std::string();
}

void Client::Impl::report(std::string_view endpoint_name, std::string_view code, Duration elapsed,
                          int n) {
  if (hooks.observer) hooks.observer->on_attempt({endpoint_name, code, elapsed, n});
}

Result<HttpResponse> Client::Impl::execute(const Call& call, const CallOptions& opts) {
  Backoff backoff(options.retry.backoff, next_seed());
  const int max_attempts = std::max(1, options.retry.max_attempts);
  for (int n = 1;; ++n) {
    if (opts.stop.stop_requested()) {
      return make_error(ErrorCode::kCancelled,
                        "wechatpay " + std::string(call.endpoint) + ": cancelled");
    }
    auto response = attempt(call, opts, n);
    if (response) return response;
    const Error& e = response.error();
    const bool retry = n < max_attempts && should_retry(e) && (!call.may_retry || call.may_retry());
    log.log(retry ? LogLevel::kWarn : LogLevel::kDebug,
            retry ? "wechatpay request failed, will retry" : "wechatpay request failed",
            {{"endpoint", call.endpoint},
             {"attempt", n},
             {"code", std::string(to_string(e.code))},
             {"reason", e.reason},
             {"error", e.message}});
    if (!retry) return response;
    Duration wait = backoff.next();
    if (e.http_status == 429) wait = std::max(wait, options.retry.rate_limited_min_wait);
    if (e.retry_after) wait = std::max<Duration>(wait, *e.retry_after);
    if (!clock.sleep_for(wait, opts.stop)) {
      return make_error(ErrorCode::kCancelled, "wechatpay " + std::string(call.endpoint) +
                                                   ": cancelled during retry backoff");
    }
  }
}

Result<HttpResponse> Client::Impl::attempt(const Call& call, const CallOptions& opts, int n) {
  MerchantLimiter::Permit permit;
  if (hooks.limiter) {
    auto acquired = hooks.limiter->acquire(opts.stop);
    if (!acquired) return std::unexpected(acquired.error());
    permit = std::move(*acquired);
  }
  auto sig = signer.sign(call.method, call.target, call.body);
  if (!sig) return std::unexpected(sig.error().wrap("signing the request"));
  HttpRequest request{
      call.method, call.target, {}, call.body, opts.timeout.value_or(options.timeout)};
  request.headers = {{"Authorization", sig->authorization},
                     {"Accept", std::string(call.accept)},
                     {"User-Agent", options.user_agent}};
  if (!call.body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  if (!call.serial.empty()) request.headers.push_back({"Wechatpay-Serial", call.serial});

  const MonotonicTime start = clock.monotonic();
  auto response = transport->send(request, call.sink, opts.stop);
  permit.reset();
  const Duration elapsed = clock.monotonic() - start;
  const std::string prefix = "wechatpay " + std::string(call.endpoint);
  if (!response) {
    const Error& e = response.error();
    report(call.endpoint, e.reason.empty() ? to_string(e.code) : std::string_view(e.reason),
           elapsed, n);
    return std::unexpected(e.wrap(prefix));
  }
  const std::string request_id = response->header("Request-ID");
  if (response->status / 100 != 2 || response->status == 202) {
    Error e = api_error(call.endpoint, response->status, response->body, request_id,
                        response->header("Retry-After"));
    const std::string status = std::to_string(response->status);
    report(call.endpoint, e.reason.empty() || e.reason == kReasonAccepted ? status : e.reason,
           elapsed, n);
    return std::unexpected(std::move(e));
  }
  if (auto st = check(call, *response, opts); !st) {
    Error e = st.error().wrap(prefix);
    e.message += " [Request-ID " + request_id + "]";
    e.http_status = response->status;
    report(call.endpoint, e.reason.empty() ? to_string(e.code) : std::string_view(e.reason),
           elapsed, n);
    if (e.reason == kReasonSignTest) {
      log.info("wechatpay signature probe refused",
               {{"endpoint", call.endpoint}, {"request_id", request_id}});
    }
    return std::unexpected(std::move(e));
  }
  report(call.endpoint, std::to_string(response->status), elapsed, n);
  log.debug("wechatpay request", {{"endpoint", call.endpoint},
                                  {"status", response->status},
                                  {"request_id", request_id},
                                  {"attempt", n},
                                  {"duration_ms", millis(elapsed)}});
  return response;
}

Status Client::Impl::check(const Call& call, const HttpResponse& response,
                           const CallOptions& opts) {
  if (call.check == Check::kNone) return {};
  const ResponseSignature sig = signature_of(response);
  if (call.check == Check::kCertificates) return check_certificates(response, sig);
  auto st = verify_response(sig, response.body, platform, clock.now());
  if (st || st.error().reason != kReasonUnknownSerial) return st;
  // WeChat rotated its certificate (or a migration switched keys): fetch the set once.
  if (!platform.find(sig.serial)) {
    std::lock_guard lock(refresh_mu_);
    if (!platform.find(sig.serial)) {
      log.info("unknown platform serial, refreshing certificates", {{"serial", sig.serial}});
      if (auto refreshed = refresh_locked(opts); !refreshed) {
        return std::unexpected(
            refreshed.error().wrap("certificate refresh for serial " + sig.serial));
      }
    }
  }
  return verify_response(sig, response.body, platform, clock.now());
}

Status Client::Impl::check_certificates(const HttpResponse& response,
                                        const ResponseSignature& sig) {
  auto certs = decode_certificates_response(response.body, keys.apiv3_key);
  if (!certs) return std::unexpected(certs.error());
  // Bootstrap: the answer is signed by one of the certificates it carries (or one we know).
  PlatformKeys candidate;
  candidate.merge_certificates(*certs, clock.now());
  if (keys.wechatpay_public_key) {
    candidate.set_public_key(keys.wechatpay_public_key_id, *keys.wechatpay_public_key);
  }
  const PlatformKeys& keyset = candidate.find(sig.serial) ? candidate : platform;
  if (auto st = verify_response(sig, response.body, keyset, clock.now()); !st) return st;
  std::string serials;
  for (const auto& c : *certs) serials += (serials.empty() ? "" : ",") + c.serial_no;
  platform.merge_certificates(std::move(*certs), clock.now());
  log.info("platform certificates installed", {{"serials", serials}});
  return {};
}

Status Client::Impl::ensure_certificates(const CallOptions& opts) {
  if (!certificate_mode) return {};
  // Held across the download so concurrent first calls wait for one fetch instead of racing.
  std::lock_guard lock(refresh_mu_);
  const bool have = platform.certificate_count() > 0;
  if (have && last_refresh_ &&
      clock.now() - *last_refresh_ < options.certificate_refresh_interval) {
    return {};
  }
  auto st = refresh_locked(opts);
  if (!st && have) {
    log.warn("platform certificate refresh failed, keeping the current set",
             {{"error", st.error().message}});
    return {};
  }
  return st;
}

Status Client::Impl::refresh(const CallOptions& opts) {
  std::lock_guard lock(refresh_mu_);
  return refresh_locked(opts);
}

Status Client::Impl::refresh_locked(const CallOptions& opts) {
  Call call{"certificates", "GET", target("/v3/certificates"), {}, Check::kCertificates};
  auto response = execute(call, opts);
  if (!response) return std::unexpected(response.error());
  last_refresh_ = clock.now();
  return {};
}

}  // namespace orderops::wechatpay
