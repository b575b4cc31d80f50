// Shared fixtures of the wechatpay unit tests: the committed test keys and Go-generated vectors
// (testdata/), signed canned answers, and a scripted Transport. Not thread-safe unless noted.
#pragma once

#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "wechatpay/aead.h"
#include "wechatpay/credentials.h"
#include "wechatpay/encoding.h"
#include "wechatpay/rsa_key.h"
#include "wechatpay/signer.h"
#include "wechatpay/transport.h"

namespace orderops::wechatpay::testkit {

inline constexpr std::string_view kMchId = "1900009191";
inline constexpr std::string_view kMerchantSerial = "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C";
inline constexpr std::string_view kPlatformSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
inline constexpr std::string_view kPublicKeyId = "PUB_KEY_ID_0114232020072100000000000000000101";
inline constexpr std::int64_t kNow = 1'795'000'000;  // FakeClock's default start

inline std::string read_testdata(const std::string& name) {
  const char* root = std::getenv("ORDEROPS_SOURCE_DIR");
  const std::string path =
      std::string(root ? root : ".") + "/tests/unit/wechatpay/testdata/" + name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) ADD_FAILURE() << "cannot read " << path;
  return buf.str();
}

inline const nlohmann::json& vectors() {
  static const nlohmann::json v = nlohmann::json::parse(read_testdata("vectors.json"));
  return v;
}

inline std::string vec(const char* key) { return vectors().at(key).get<std::string>(); }

inline RsaPrivateKey private_key(const std::string& file) {
  auto key = RsaPrivateKey::from_pem(read_testdata(file));
  EXPECT_TRUE(key.has_value()) << file;
  return *key;
}

inline MerchantCredentials credentials(bool public_key_mode = false) {
  MerchantCredentials c;
  c.mch_id = std::string(kMchId);
  c.merchant_serial_no = std::string(kMerchantSerial);
  c.private_key_pem = read_testdata("merchant_key.pem");
  c.apiv3_key = vec("apiv3_key");
  if (public_key_mode) {
    c.wechatpay_public_key_pem = read_testdata("wechatpay_public_key.pem");
    c.wechatpay_public_key_id = std::string(kPublicKeyId);
  }
  return c;
}

// A 2xx (or any) answer signed the way WeChat Pay signs: over "ts\nnonce\nbody\n".
inline HttpResponse signed_response(int status, std::string body, const RsaPrivateKey& key,
                                    std::string_view serial, std::int64_t ts = kNow,
                                    std::string nonce = "0123456789abcdef0123456789abcdef") {
  HttpResponse r;
  r.status = status;
  const std::string t = std::to_string(ts);
  auto sig = key.sign_sha256(response_sign_message(t, nonce, body));
  r.headers = {{"Request-ID", "req-" + nonce.substr(0, 6)},
               {"Wechatpay-Timestamp", t},
               {"Wechatpay-Nonce", nonce},
               {"Wechatpay-Serial", std::string(serial)},
               {"Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"},
               {"Wechatpay-Signature", base64_encode(*sig)}};
  r.body = std::move(body);
  return r;
}

inline HttpResponse unsigned_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Request-ID", "req-unsigned"}};
  r.body = std::move(body);
  return r;
}

// A /v3/certificates body carrying `cert_pem` encrypted under the test APIv3 key.
inline std::string certificates_body(const std::string& cert_pem, std::string_view serial) {
  const std::string nonce = "a1b2c3d4e5f6";
  auto ct = aes_256_gcm_encrypt(vec("apiv3_key"), nonce, "certificate", cert_pem);
  nlohmann::json entry = {{"serial_no", serial},
                          {"effective_time", "2020-01-01T08:00:00+08:00"},
                          {"expire_time", "2040-01-01T08:00:00+08:00"},
                          {"encrypt_certificate",
                           {{"algorithm", "AEAD_AES_256_GCM"},
                            {"nonce", nonce},
                            {"associated_data", "certificate"},
                            {"ciphertext", base64_encode(*ct)}}}};
  return nlohmann::json{{"data", nlohmann::json::array({entry})}}.dump();
}

class FixedNonces final : public NonceSource {
 public:
  explicit FixedNonces(std::string prefix = "NONCE") : prefix_(std::move(prefix)) {}
  std::string next() override { return prefix_ + std::to_string(++n_); }

 private:
  std::string prefix_;
  int n_ = 0;
};

// Answers from a script, records what was sent. Thread-safe.
class ScriptedTransport final : public Transport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  void push(Handler h) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(h));
  }
  void push(HttpResponse r) {
    push([r](const HttpRequest&) -> Result<HttpResponse> { return r; });
  }
  // Certificates requests are answered automatically with the test certificate.
  void serve_certificates(const RsaPrivateKey& key) {
    std::lock_guard lock(mu_);
    certificates_key_ = key;
  }

  Result<HttpResponse> send(const HttpRequest& request, const BodySink* sink,
                            std::stop_token) override {
    Handler h;
    {
      std::lock_guard lock(mu_);
      sent_.push_back(request);
      if (certificates_key_ && request.target == "/v3/certificates") {
        ++certificate_requests_;
        return signed_response(
            200, certificates_body(read_testdata("platform_cert.pem"), kPlatformSerial),
            *certificates_key_, kPlatformSerial);
      }
      if (script_.empty()) {
        ADD_FAILURE() << "unexpected request " << request.method << " " << request.target;
        return make_error(ErrorCode::kInternal, "script exhausted");
      }
      h = std::move(script_.front());
      script_.pop_front();
    }
    auto r = h(request);
    if (r && sink != nullptr && r->status / 100 == 2) {
      // Deliver in small pieces, as a network would.
      std::string body = std::exchange(r->body, {});
      for (std::size_t i = 0; i < body.size(); i += 7) {
        if (auto st = (*sink)(std::string_view(body).substr(i, 7)); !st) {
          return std::unexpected(st.error());
        }
      }
    }
    return r;
  }

  std::vector<HttpRequest> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  int certificate_requests() const {
    std::lock_guard lock(mu_);
    return certificate_requests_;
  }
  std::size_t remaining() const {
    std::lock_guard lock(mu_);
    return script_.size();
  }

 private:
  mutable std::mutex mu_;
  std::deque<Handler> script_;
  std::vector<HttpRequest> sent_;
  std::optional<RsaPrivateKey> certificates_key_;
  int certificate_requests_ = 0;
};

inline std::string header_of(const HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

}  // namespace orderops::wechatpay::testkit
