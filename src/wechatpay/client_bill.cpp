#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "wechatpay/client.h"
#include "wechatpay/client_impl.h"
#include "wechatpay/endpoint.h"

namespace orderops::wechatpay {

Result<BillDownload> Client::download_bill(const BillInfo& bill, const BodySink& out,
                                           BillOutput output, const CallOptions& call) {
  // The URL's host is not trusted: the request goes to the configured endpoint (same TLS trust,
  // no request to wherever an answer points).
  auto target = request_target_of(bill.download_url);
  if (!target) return std::unexpected(target.error().wrap("download_url"));
  if (auto st = impl_->ensure_certificates(call); !st) return std::unexpected(st.error());
  BillStream stream(bill.gzip, output, out);
  const BodySink sink = [&](std::string_view chunk) { return stream.write(chunk); };
  Impl::Call c{"download_bill",
               "GET",
               std::move(*target),
               {},
               Impl::Check::kNone,
               impl_->preferred_serial(),
               "*/*",
               &sink,
               [&] { return stream.received_bytes() == 0; }};
  auto response = impl_->execute(c, call);
  if (!response) return std::unexpected(response.error());
  auto result = stream.finish(bill.hash_value);
  if (!result) {
    impl_->log.warn("bill refused", {{"reason", result.error().reason},
                                     {"request_id", response->header("Request-ID")}});
    return std::unexpected(result.error().wrap("wechatpay download_bill"));
  }
  return result;
}

Result<BillDownload> Client::download_bill_to_fd(const BillInfo& bill, int fd, BillOutput output,
                                                 const CallOptions& call) {
  const BodySink sink = [fd](std::string_view chunk) -> Status {
    while (!chunk.empty()) {
      const ssize_t n = ::write(fd, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return make_error(ErrorCode::kInternal,
                          std::string("writing the bill: ") + std::strerror(errno));
      }
      chunk.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  };
  return download_bill(bill, sink, output, call);
}

Result<BillDownload> Client::download_bill_to_stream(const BillInfo& bill, std::ostream& out,
                                                     BillOutput output, const CallOptions& call) {
  const BodySink sink = [&out](std::string_view chunk) -> Status {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!out) return make_error(ErrorCode::kInternal, "writing the bill: stream failed");
    return {};
  };
  return download_bill(bill, sink, output, call);
}

}  // namespace orderops::wechatpay
