#include "profitshare/payment.h"

#include "wechatpay/client.h"

namespace orderops::profitshare {

namespace {

class ClientPayment final : public PaymentApi {
 public:
  explicit ClientPayment(wechatpay::Client& client) : client_(client) {}

  Result<wechatpay::Order> query_order(std::string_view out_order_no,
                                       std::string_view transaction_id,
                                       std::stop_token stop) override {
    return client_.query_order(out_order_no, transaction_id, call(stop));
  }
  Result<wechatpay::Order> create_order(const wechatpay::CreateOrderRequest& request,
                                        std::stop_token stop) override {
    return client_.create_order(request, call(stop));
  }
  Result<wechatpay::Order> unfreeze(const wechatpay::UnfreezeRequest& request,
                                    std::stop_token stop) override {
    return client_.unfreeze(request, call(stop));
  }
  Result<std::int64_t> unsplit_amount(std::string_view transaction_id,
                                      std::stop_token stop) override {
    auto r = client_.unsplit_amount(transaction_id, call(stop));
    if (!r) return std::unexpected(r.error());
    return r->unsplit_amount;
  }
  Result<wechatpay::BillInfo> apply_bill(const wechatpay::BillRequest& request,
                                         std::stop_token stop) override {
    return client_.apply_bill(request, call(stop));
  }
  Result<wechatpay::BillDownload> download_bill(const wechatpay::BillInfo& bill, int fd,
                                                bool keep_gzip, std::stop_token stop) override {
    const auto output =
        keep_gzip ? wechatpay::BillOutput::kAsReceived : wechatpay::BillOutput::kDecompressed;
    return client_.download_bill_to_fd(bill, fd, output, call(stop));
  }

 private:
  static wechatpay::CallOptions call(std::stop_token stop) {
    return wechatpay::CallOptions{std::move(stop), std::nullopt};
  }

  wechatpay::Client& client_;
};

}  // namespace

std::unique_ptr<PaymentApi> make_client_payment(wechatpay::Client& client) {
  return std::make_unique<ClientPayment>(client);
}

}  // namespace orderops::profitshare
