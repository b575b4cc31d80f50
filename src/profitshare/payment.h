// The port between the PSS jobs and WeChat Pay: the six calls the jobs make, with the client's
// types. make_client_payment() adapts a wechatpay::Client (which signs, verifies, retries with
// the identical body and honours the merchant's shared rate limit). Implementations must be
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string_view>

#include "common/error.h"
#include "wechatpay/types.h"

namespace orderops::wechatpay {
class Client;
}  // namespace orderops::wechatpay

namespace orderops::profitshare {

class PaymentApi {
 public:
  virtual ~PaymentApi() = default;

  // Unknown order: kNotFound with reason RESOURCE_NOT_EXISTS.
  virtual Result<wechatpay::Order> query_order(std::string_view out_order_no,
                                               std::string_view transaction_id,
                                               std::stop_token stop) = 0;
  virtual Result<wechatpay::Order> create_order(const wechatpay::CreateOrderRequest& request,
                                                std::stop_token stop) = 0;
  virtual Result<wechatpay::Order> unfreeze(const wechatpay::UnfreezeRequest& request,
                                            std::stop_token stop) = 0;
  // Fen still unsplit on the transaction.
  virtual Result<std::int64_t> unsplit_amount(std::string_view transaction_id,
                                              std::stop_token stop) = 0;
  // Not generated yet: kNotFound with reason NO_STATEMENT_EXIST.
  virtual Result<wechatpay::BillInfo> apply_bill(const wechatpay::BillRequest& request,
                                                 std::stop_token stop) = 0;
  // Streams the bill into `fd` (gzip bytes as received when `keep_gzip`, else the CSV) while
  // checking SHA-1 over the uncompressed bill; mismatch: kInvalid, reason BILL_HASH_MISMATCH,
  // after bytes were written (the caller discards the file).
  virtual Result<wechatpay::BillDownload> download_bill(const wechatpay::BillInfo& bill, int fd,
                                                        bool keep_gzip, std::stop_token stop) = 0;
};

// `client` must outlive the adapter.
std::unique_ptr<PaymentApi> make_client_payment(wechatpay::Client& client);

}  // namespace orderops::profitshare
