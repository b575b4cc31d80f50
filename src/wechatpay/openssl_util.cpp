#include "wechatpay/openssl_util.h"

#include <openssl/err.h>

namespace orderops::wechatpay {

BioPtr memory_bio(std::string_view data) {
  if (data.empty()) return BioPtr(BIO_new(BIO_s_mem()), &BIO_free);
  // Read-only view, no copy: key material is not duplicated into OpenSSL's heap.
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), &BIO_free);
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::unexpected<Error> openssl_error(std::string_view what) {
  std::string message(what);
  unsigned long code = 0;
  bool first = true;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    message += first ? ": " : "; ";
    message += buf;
    first = false;
  }
  return make_error(ErrorCode::kInternal, std::move(message));
}

}  // namespace orderops::wechatpay
