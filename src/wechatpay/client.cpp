#include "wechatpay/client.h"

#include <cstdio>
#include <set>

#include "wechatpay/client_impl.h"
#include "wechatpay/codec.h"
#include "wechatpay/encoding.h"
#include "wechatpay/http_transport.h"

namespace orderops::wechatpay {
namespace {

constexpr std::size_t kMaxOutOrderNo = 64;
constexpr std::size_t kMaxTransactionId = 32;
constexpr std::size_t kMaxAccount = 64;
constexpr std::size_t kMaxDescription = 80;  // characters, not bytes
constexpr std::size_t kMaxReceivers = 50;

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Status check_out_order_no(std::string_view field, std::string_view v) {
  const bool charset_ok = std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '|' ||
           c == '*' || c == '@';
  });
  if (v.empty() || v.size() > kMaxOutOrderNo || !charset_ok) {
    return invalid(std::string(field) + " must be 1-64 characters of [0-9A-Za-z_-|*@]");
  }
  return {};
}

Status check_transaction_id(std::string_view v) {
  if (v.empty() || v.size() > kMaxTransactionId) {
    return invalid("transaction_id must be 1-32 characters");
  }
  return {};
}

Status check_description(std::string_view field, std::string_view v) {
  if (utf8_length(v) > kMaxDescription)
    return invalid(std::string(field) + " exceeds 80 characters");
  return {};
}

Status check_receiver(std::size_t i, const ReceiverRequest& r) {
  const std::string field = "receivers[" + std::to_string(i) + "]";
  if (r.account.empty() || r.account.size() > kMaxAccount) {
    return invalid(field + ".account must be 1-64 characters");
  }
  if (r.amount <= 0) return invalid(field + ".amount must be > 0 fen");
  if (r.name && r.sealed_name) return invalid(field + ": set name or sealed_name, not both");
  return check_description(field + ".description", r.description);
}

Status check_create(const CreateOrderRequest& r) {
  if (auto st = check_transaction_id(r.transaction_id); !st) return st;
  if (auto st = check_out_order_no("out_order_no", r.out_order_no); !st) return st;
  if (r.receivers.empty() || r.receivers.size() > kMaxReceivers) {
    return invalid("receivers: 1-50 receivers per order");
  }
  for (std::size_t i = 0; i < r.receivers.size(); ++i) {
    if (auto st = check_receiver(i, r.receivers[i]); !st) return st;
  }
  return {};
}

std::string format_date(std::chrono::year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

template <class T>
std::unexpected<Error> fail(const Result<T>& r) {
  return std::unexpected(r.error());
}

}  // namespace

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(const MerchantCredentials& credentials,
                                               ClientOptions options,
                                               std::shared_ptr<Transport> transport,
                                               const Clock& clock, Logger logger,
                                               ClientHooks hooks) {
  auto keys = parse_credentials(credentials);
  if (!keys) return fail(keys);
  auto endpoint = parse_endpoint(options.endpoint);
  if (!endpoint) return std::unexpected(endpoint.error().wrap("endpoint"));
  if (!transport) return invalid("wechatpay client needs a transport");
  if (options.timeout <= Duration::zero()) return invalid("timeout must be positive");
  auto impl =
      std::make_unique<Impl>(std::move(*keys), std::move(*endpoint), std::move(options),
                             std::move(transport), clock, std::move(logger), std::move(hooks));
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Result<std::unique_ptr<Client>> Client::connect(const MerchantCredentials& credentials,
                                                ClientOptions options, const Clock& clock,
                                                Logger logger, ClientHooks hooks) {
  auto endpoint = parse_endpoint(options.endpoint);
  if (!endpoint) return std::unexpected(endpoint.error().wrap("endpoint"));
  auto transport = make_http_transport({endpoint->origin, options.extra_ca_pem});
  if (!transport) return fail(transport);
  return create(credentials, std::move(options), std::shared_ptr<Transport>(std::move(*transport)),
                clock, std::move(logger), std::move(hooks));
}

const std::string& Client::mch_id() const { return impl_->keys.mch_id; }
const std::string& Client::sub_mchid() const { return impl_->keys.sub_mchid; }

Result<Order> Client::query_order(std::string_view out_order_no, std::string_view transaction_id,
                                  const CallOptions& call) {
  if (auto st = check_out_order_no("out_order_no", out_order_no); !st) return fail(st);
  if (auto st = check_transaction_id(transaction_id); !st) return fail(st);
  std::string path = "/v3/profitsharing/orders/" + path_escape(out_order_no) +
                     "?transaction_id=" + query_escape(transaction_id);
  if (!impl_->keys.sub_mchid.empty()) path += "&sub_mchid=" + query_escape(impl_->keys.sub_mchid);
  auto response = impl_->call_verified("query_order", "GET", path, {}, call);
  if (!response) return fail(response);
  return decode_order(response->body);
}

Result<Order> Client::create_order(const CreateOrderRequest& request, const CallOptions& call) {
  if (auto st = check_create(request); !st) return fail(st);
  if (auto st = impl_->ensure_certificates(call); !st) return fail(st);
  CreateOrderRequest sealed = request;
  const auto key = impl_->platform.preferred(impl_->clock.now());
  std::set<std::string> serials;
  for (auto& r : sealed.receivers) {
    if (r.name) {
      if (!key) return make_error(ErrorCode::kUnavailable, "no platform key to encrypt names");
      auto ciphertext = key->key.encrypt_oaep(*r.name);
      if (!ciphertext) return fail(ciphertext);
      r.sealed_name = SealedName{base64_encode(*ciphertext), key->serial};
      r.name.reset();
    }
    if (r.sealed_name) serials.insert(r.sealed_name->serial);
  }
  if (serials.size() > 1) return invalid("receiver names sealed for different platform keys");
  auto body = encode_create_order(sealed, impl_->keys.sub_mchid);
  if (!body) return fail(body);
  const std::string serial = serials.empty() ? impl_->preferred_serial() : *serials.begin();
  auto response = impl_->execute({"create_order", "POST", impl_->target("/v3/profitsharing/orders"),
                                  std::move(*body), Impl::Check::kVerify, serial},
                                 call);
  if (!response) return fail(response);
  return decode_order(response->body);
}

Result<Order> Client::unfreeze(const UnfreezeRequest& request, const CallOptions& call) {
  if (auto st = check_transaction_id(request.transaction_id); !st) return fail(st);
  if (auto st = check_out_order_no("out_order_no", request.out_order_no); !st) return fail(st);
  if (request.description.empty()) return invalid("description is required");
  if (auto st = check_description("description", request.description); !st) return fail(st);
  auto response = impl_->call_verified("unfreeze", "POST", "/v3/profitsharing/orders/unfreeze",
                                       encode_unfreeze(request, impl_->keys.sub_mchid), call);
  if (!response) return fail(response);
  return decode_order(response->body);
}

Result<UnsplitAmount> Client::unsplit_amount(std::string_view transaction_id,
                                             const CallOptions& call) {
  if (auto st = check_transaction_id(transaction_id); !st) return fail(st);
  const std::string path =
      "/v3/profitsharing/transactions/" + path_escape(transaction_id) + "/amounts";
  auto response = impl_->call_verified("unsplit_amount", "GET", path, {}, call);
  if (!response) return fail(response);
  return decode_unsplit_amount(response->body);
}

Result<BillInfo> Client::apply_bill(const BillRequest& request, const CallOptions& call) {
  if (!request.bill_date.ok()) return invalid("bill_date is not a valid date");
  // Keys in Go's url.Values order (sorted), though any order works when signed as sent.
  std::string path = "/v3/profitsharing/bills?bill_date=" + format_date(request.bill_date);
  if (!impl_->keys.sub_mchid.empty()) path += "&sub_mchid=" + query_escape(impl_->keys.sub_mchid);
  if (request.gzip) path += "&tar_type=GZIP";
  auto response = impl_->call_verified("apply_bill", "GET", path, {}, call);
  if (!response) return fail(response);
  auto bill = decode_bill(response->body);
  if (bill) bill->gzip = request.gzip;
  return bill;
}

Status Client::refresh_certificates(const CallOptions& call) { return impl_->refresh(call); }

std::size_t Client::platform_certificate_count() const {
  return impl_->platform.certificate_count();
}

}  // namespace orderops::wechatpay
