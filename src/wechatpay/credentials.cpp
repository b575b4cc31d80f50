#include "wechatpay/credentials.h"

#include <algorithm>
#include <cctype>

namespace orderops::wechatpay {
namespace {

constexpr std::string_view kReason = "InvalidCredentials";
constexpr std::size_t kApiV3KeyBytes = 32;
constexpr int kMinRsaBits = 2048;

std::unexpected<Error> bad(std::string_view field, std::string_view problem) {
  return make_error(ErrorCode::kInvalid, std::string(field) + ": " + std::string(problem),
                    std::string(kReason));
}

bool all_of(std::string_view s, int (*pred)(int)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [pred](char c) {
    return pred(static_cast<unsigned char>(c)) != 0;
  });
}

std::string trim_line_end(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

Status check_ids(const MerchantCredentials& c) {
  if (!all_of(c.mch_id, ::isdigit)) return bad("mchId", "must be digits");
  if (!all_of(c.merchant_serial_no, ::isxdigit)) {
    return bad(kSecretMerchantSerial, "must be a hexadecimal certificate serial");
  }
  if (c.sub_mchid && !all_of(*c.sub_mchid, ::isdigit)) return bad("subMchId", "must be digits");
  if (c.apiv3_key.size() != kApiV3KeyBytes) {
    return bad(kSecretApiV3Key,
               "must be exactly 32 bytes, got " + std::to_string(c.apiv3_key.size()));
  }
  return {};
}

Status check_public_key(const MerchantCredentials& c, MerchantKeys& keys) {
  if (c.wechatpay_public_key_pem.has_value() != c.wechatpay_public_key_id.has_value()) {
    return bad(c.wechatpay_public_key_pem ? kSecretPublicKeyId : kSecretPublicKey,
               "missing: public-key mode needs both wechatpay_public_key.pem and "
               "wechatpay_public_key_id");
  }
  if (!c.wechatpay_public_key_pem) return {};
  const std::string& id = *c.wechatpay_public_key_id;
  if (!id.starts_with("PUB_KEY_ID_") || !all_of(std::string_view(id).substr(11), ::isdigit)) {
    return bad(kSecretPublicKeyId, "must look like PUB_KEY_ID_ followed by digits");
  }
  auto key = RsaPublicKey::from_pem(*c.wechatpay_public_key_pem);
  if (!key) return bad(kSecretPublicKey, key.error().message);
  keys.wechatpay_public_key = std::move(*key);
  keys.wechatpay_public_key_id = id;
  return {};
}

}  // namespace

Result<MerchantCredentials> credentials_from_secret(const std::map<std::string, std::string>& data,
                                                    std::string mch_id,
                                                    std::optional<std::string> sub_mchid) {
  auto get = [&](std::string_view key) -> std::optional<std::string> {
    auto it = data.find(std::string(key));
    if (it == data.end()) return std::nullopt;
    return it->second;
  };
  MerchantCredentials c;
  c.mch_id = std::move(mch_id);
  if (sub_mchid && !sub_mchid->empty()) c.sub_mchid = std::move(sub_mchid);
  for (auto key : {kSecretPrivateKey, kSecretMerchantSerial, kSecretApiV3Key}) {
    if (!get(key)) return bad(key, "missing from the Secret");
  }
  c.private_key_pem = *get(kSecretPrivateKey);
  c.merchant_serial_no = trim_line_end(*get(kSecretMerchantSerial));
  c.apiv3_key = trim_line_end(*get(kSecretApiV3Key));
  c.wechatpay_public_key_pem = get(kSecretPublicKey);
  if (auto id = get(kSecretPublicKeyId)) c.wechatpay_public_key_id = trim_line_end(*id);
  return c;
}

Result<MerchantKeys> parse_credentials(const MerchantCredentials& c) {
  if (auto st = check_ids(c); !st) return std::unexpected(st.error());
  auto key = RsaPrivateKey::from_pem(c.private_key_pem);
  if (!key) return bad(kSecretPrivateKey, key.error().message);
  if (key->bits() < kMinRsaBits) return bad(kSecretPrivateKey, "RSA key shorter than 2048 bits");
  MerchantKeys keys{
      c.mch_id, upper(c.merchant_serial_no), std::move(*key), c.apiv3_key, std::nullopt,
      {},       c.sub_mchid.value_or("")};
  if (auto st = check_public_key(c, keys); !st) return std::unexpected(st.error());
  return keys;
}

}  // namespace orderops::wechatpay
