#include "wechatpay/verifier.h"

#include <algorithm>
#include <charconv>

#include "wechatpay/encoding.h"
#include "wechatpay/signer.h"

namespace orderops::wechatpay {
namespace {

std::unexpected<Error> refuse(std::string_view reason, std::string message) {
  return make_error(ErrorCode::kUnauthorized, std::move(message), std::string(reason));
}

std::string missing_headers(const ResponseSignature& s) {
  std::string out;
  auto note = [&](const std::string& value, std::string_view name) {
    if (!value.empty()) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  note(s.timestamp, "Wechatpay-Timestamp");
  note(s.nonce, "Wechatpay-Nonce");
  note(s.signature, "Wechatpay-Signature");
  note(s.serial, "Wechatpay-Serial");
  return out;
}

Status check_timestamp(std::string_view text, SystemTime now) {
  std::int64_t ts = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ts);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return refuse(kReasonTimestamp, "Wechatpay-Timestamp is not a number");
  }
  const auto ours = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto skew = std::chrono::abs(ours - std::chrono::seconds(ts));
  if (skew >= kMaxClockSkew) {
    return refuse(kReasonTimestamp, "Wechatpay-Timestamp " + std::string(text) + " is " +
                                        std::to_string(skew.count()) +
                                        "s away from our clock (limit 300s)");
  }
  return {};
}

}  // namespace

void PlatformKeys::set_public_key(std::string id, RsaPublicKey key) {
  std::lock_guard lock(mu_);
  public_key_ = Entry{std::move(id), std::move(key)};
}

void PlatformKeys::merge_certificates(std::vector<PlatformCertificate> certs, SystemTime now) {
  std::lock_guard lock(mu_);
  for (auto& cert : certs) {
    std::erase_if(certificates_, [&](const auto& c) { return c.serial_no == cert.serial_no; });
    certificates_.push_back(std::move(cert));
  }
  std::erase_if(certificates_, [&](const auto& c) { return c.not_after <= now; });
  std::sort(certificates_.begin(), certificates_.end(),
            [](const auto& a, const auto& b) { return a.not_before > b.not_before; });
}

std::optional<RsaPublicKey> PlatformKeys::find(std::string_view serial) const {
  std::lock_guard lock(mu_);
  if (public_key_ && public_key_->serial == serial) return public_key_->key;
  for (const auto& c : certificates_) {
    if (c.serial_no == serial) return c.public_key;
  }
  return std::nullopt;
}

std::optional<PlatformKeys::Entry> PlatformKeys::preferred(SystemTime now) const {
  std::lock_guard lock(mu_);
  if (public_key_) return public_key_;
  for (const auto& c : certificates_) {
    // A certificate is announced >= 24 h before use; until then keep encrypting with the old one.
    if (c.not_before <= now && now < c.not_after) return Entry{c.serial_no, c.public_key};
  }
  return std::nullopt;
}

std::size_t PlatformKeys::certificate_count() const {
  std::lock_guard lock(mu_);
  return certificates_.size();
}

Status verify_response(const ResponseSignature& s, std::string_view body, const PlatformKeys& keys,
                       SystemTime now) {
  if (const auto missing = missing_headers(s); !missing.empty()) {
    return refuse(kReasonUnsigned, "2xx answer without " + missing + " (forged or stripped)");
  }
  if (!s.signature_type.empty() && s.signature_type != kAuthScheme) {
    return refuse(kReasonBadSignature, "unsupported Wechatpay-Signature-Type " + s.signature_type);
  }
  if (auto st = check_timestamp(s.timestamp, now); !st) return st;
  if (s.signature.starts_with(kSignTestPrefix)) {
    return refuse(kReasonSignTest, "signature probe (WECHATPAY/SIGNTEST/) refused");
  }
  const auto key = keys.find(s.serial);
  if (!key) return refuse(kReasonUnknownSerial, "no platform key with serial " + s.serial);
  auto raw = base64_decode(s.signature);
  if (!raw) return refuse(kReasonBadSignature, "Wechatpay-Signature is not Base64");
  if (!key->verify_sha256(response_sign_message(s.timestamp, s.nonce, body), *raw)) {
    return refuse(kReasonBadSignature,
                  "Wechatpay-Signature does not verify with serial " + s.serial);
  }
  return {};
}

}  // namespace orderops::wechatpay
