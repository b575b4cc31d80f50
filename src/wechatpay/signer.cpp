#include "wechatpay/signer.h"

#include "wechatpay/encoding.h"

namespace orderops::wechatpay {
namespace {

constexpr std::size_t kNonceLength = 32;

class RandomNonceSource final : public NonceSource {
 public:
  std::string next() override { return random_alnum(kNonceLength); }
};

}  // namespace

std::string request_sign_message(std::string_view method, std::string_view canonical_url,
                                 std::int64_t timestamp, std::string_view nonce,
                                 std::string_view body) {
  std::string out;
  out.reserve(method.size() + canonical_url.size() + nonce.size() + body.size() + 32);
  out.append(method).push_back('\n');
  out.append(canonical_url).push_back('\n');
  out.append(std::to_string(timestamp)).push_back('\n');
  out.append(nonce).push_back('\n');
  out.append(body).push_back('\n');
  return out;
}

std::string response_sign_message(std::string_view timestamp, std::string_view nonce,
                                  std::string_view body) {
  std::string out;
  out.reserve(timestamp.size() + nonce.size() + body.size() + 3);
  out.append(timestamp).push_back('\n');
  out.append(nonce).push_back('\n');
  out.append(body).push_back('\n');
  return out;
}

std::unique_ptr<NonceSource> make_random_nonce_source() {
  return std::make_unique<RandomNonceSource>();
}

RequestSigner::RequestSigner(std::string mch_id, std::string serial_no, RsaPrivateKey key,
                             const Clock& clock, NonceSource& nonces)
    : mch_id_(std::move(mch_id)),
      serial_no_(std::move(serial_no)),
      key_(std::move(key)),
      clock_(clock),
      nonces_(nonces) {}

Result<SignedRequest> RequestSigner::sign(std::string_view method, std::string_view canonical_url,
                                          std::string_view body) const {
  SignedRequest out;
  out.timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  out.nonce = nonces_.next();
  auto signature =
      key_.sign_sha256(request_sign_message(method, canonical_url, out.timestamp, out.nonce, body));
  if (!signature) return std::unexpected(signature.error());
  // Go SDK field order; the server parses pairs, not positions.
  out.authorization = std::string(kAuthScheme) + " mchid=\"" + mch_id_ + "\",nonce_str=\"" +
                      out.nonce + "\",signature=\"" + base64_encode(*signature) +
                      "\",timestamp=\"" + std::to_string(out.timestamp) + "\",serial_no=\"" +
                      serial_no_ + "\"";
  return out;
}

}  // namespace orderops::wechatpay
