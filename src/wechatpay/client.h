// The WeChat Pay API v3 client of one merchant: signs, verifies (refreshing certificates on an
// unknown serial), retries with the IDENTICAL body, honours the shared MerchantLimiter, returns
// typed results or Errors with WeChat code, message and Request-ID. Thread-safe; no HTTP types.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "wechatpay/bill_stream.h"
#include "wechatpay/credentials.h"
#include "wechatpay/limiter.h"
#include "wechatpay/observer.h"
#include "wechatpay/signer.h"
#include "wechatpay/transport.h"
#include "wechatpay/types.h"

namespace orderops::wechatpay {

inline constexpr std::string_view kDefaultEndpoint = "https://api.mch.weixin.qq.com";

struct RetryPolicy {
  int max_attempts = 3;  // the reference: 2-3 tries are enough
  BackoffPolicy backoff{std::chrono::milliseconds(500), std::chrono::seconds(8), 2.0, 1.0};
  // 429 waits at least this long (reference: "backoff >= 1 s"), or Retry-After if longer.
  Duration rate_limited_min_wait = std::chrono::seconds(1);
};

struct ClientOptions {
  std::string endpoint = std::string(kDefaultEndpoint);
  std::string extra_ca_pem;                     // used by Client::connect (spec caSecretRef)
  Duration timeout = std::chrono::seconds(10);  // per attempt, unless CallOptions says otherwise
  RetryPolicy retry;
  std::string user_agent = "orderops-wechatpay/1";
  // Platform certificates are re-downloaded when older than this (docs: less than 12 h).
  Duration certificate_refresh_interval = std::chrono::hours(12);
  std::uint64_t jitter_seed = 0;  // 0: seeded from random bytes
};

// Optional collaborators.
struct ClientHooks {
  std::shared_ptr<MerchantLimiter> limiter;  // share one per merchant across tasks
  std::shared_ptr<RequestObserver> observer;
  std::shared_ptr<NonceSource> nonces;  // default: 32 random alphanumerics
};

struct CallOptions {
  std::stop_token stop;             // checked between attempts and aborts waits/in-flight I/O
  std::optional<Duration> timeout;  // per attempt; default ClientOptions::timeout
};

class Client {
 public:
  // Validates credentials and options (kInvalid naming the field). `clock` must outlive the
  // client. Does no I/O: certificates are fetched on the first call that needs them.
  static Result<std::unique_ptr<Client>> create(const MerchantCredentials& credentials,
                                                ClientOptions options,
                                                std::shared_ptr<Transport> transport,
                                                const Clock& clock, Logger logger,
                                                ClientHooks hooks = {});
  // create() with the cpprestsdk transport for options.endpoint and options.extra_ca_pem.
  static Result<std::unique_ptr<Client>> connect(const MerchantCredentials& credentials,
                                                 ClientOptions options, const Clock& clock,
                                                 Logger logger, ClientHooks hooks = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::string& mch_id() const;
  const std::string& sub_mchid() const;  // "" unless service-provider mode

  // GET /v3/profitsharing/orders/{out_order_no}?transaction_id=..[&sub_mchid=..]
  // Unknown order: kNotFound, reason RESOURCE_NOT_EXISTS.
  Result<Order> query_order(std::string_view out_order_no, std::string_view transaction_id,
                            const CallOptions& call = {});
  // POST /v3/profitsharing/orders. Names are RSA-OAEP encrypted once; every retry sends the same
  // bytes. Re-calling with the same out_order_no and content returns the existing order.
  Result<Order> create_order(const CreateOrderRequest& request, const CallOptions& call = {});
  // POST /v3/profitsharing/orders/unfreeze (out_order_no must be a new number).
  Result<Order> unfreeze(const UnfreezeRequest& request, const CallOptions& call = {});
  // GET /v3/profitsharing/transactions/{transaction_id}/amounts
  Result<UnsplitAmount> unsplit_amount(std::string_view transaction_id,
                                       const CallOptions& call = {});
  // GET /v3/profitsharing/bills?bill_date=YYYY-MM-DD[&tar_type=GZIP][&sub_mchid=..]
  // Not generated yet: kNotFound, reason NO_STATEMENT_EXIST. The URL lives 30 s: download now.
  Result<BillInfo> apply_bill(const BillRequest& request, const CallOptions& call = {});

  // Downloads (GET download_url's path and query on the configured endpoint; the answer is not
  // signed), gunzips and hashes while streaming into `out`. A hash mismatch returns kInvalid with
  // reason BILL_HASH_MISMATCH AFTER all bytes went to `out`: the caller discards what it wrote.
  // Retried only while nothing has been written.
  Result<BillDownload> download_bill(const BillInfo& bill, const BodySink& out,
                                     BillOutput output = BillOutput::kDecompressed,
                                     const CallOptions& call = {});
  Result<BillDownload> download_bill_to_fd(const BillInfo& bill, int fd,
                                           BillOutput output = BillOutput::kDecompressed,
                                           const CallOptions& call = {});
  Result<BillDownload> download_bill_to_stream(const BillInfo& bill, std::ostream& out,
                                               BillOutput output = BillOutput::kDecompressed,
                                               const CallOptions& call = {});

  // GET /v3/certificates now (normally automatic: on first use, on an unknown serial and
  // every certificate_refresh_interval).
  Status refresh_certificates(const CallOptions& call = {});
  std::size_t platform_certificate_count() const;

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::wechatpay
