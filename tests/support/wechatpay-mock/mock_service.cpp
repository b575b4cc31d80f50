#include "mock_service.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "mock_util.h"
#include "wechatpay/aead.h"
#include "wechatpay/encoding.h"
#include "wechatpay/signer.h"

namespace orderops::wechatpay::mock {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxSkewSeconds = 300;
constexpr std::size_t kTruncatedSignMessage = 100;

std::int64_t unix_seconds(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Reply sign_error(std::string message, json detail = nullptr) {
  return Reply::error(401, "SIGN_ERROR", message, std::move(detail));
}

// `WECHATPAY2-SHA256-RSA2048 k="v",k="v",...`: pairs in any order.
std::optional<std::map<std::string, std::string>> parse_authorization(std::string_view header) {
  const std::string scheme = std::string(kAuthScheme) + " ";
  if (!header.starts_with(scheme)) return std::nullopt;
  header.remove_prefix(scheme.size());
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    const auto eq = header.find('=');
    if (eq == std::string_view::npos || eq + 1 >= header.size() || header[eq + 1] != '"') {
      return std::nullopt;
    }
    const auto close = header.find('"', eq + 2);
    if (close == std::string_view::npos) return std::nullopt;
    out[std::string(header.substr(0, eq))] = std::string(header.substr(eq + 2, close - eq - 2));
    header.remove_prefix(close + 1);
    if (!header.empty()) {
      if (header.front() != ',') return std::nullopt;
      header.remove_prefix(1);
    }
  }
  return out;
}

Reply fault_reply(const Fault& f) {
  if (f.kind == "202") return {202, ""};
  if (f.kind == "503") return Reply::error(503, "SERVICE_UNAVAILABLE", "服务不可用，请稍后重试");
  if (f.kind == "429") {
    return Reply::error(429, f.code.empty() ? "RATELIMIT_EXCEED" : f.code,
                        "请求频率过高，请稍后重试");
  }
  if (f.kind == "error") {
    return Reply::error(f.status == 0 ? 500 : f.status, f.code.empty() ? "SYSTEM_ERROR" : f.code,
                        "mock fault");
  }
  return Reply::error(500, "SYSTEM_ERROR", "系统超时");
}

bool is_response_fault(const std::string& kind) {
  return kind == "500" || kind == "503" || kind == "202" || kind == "429" || kind == "error" ||
         kind == "drop";
}

}  // namespace

MockService::MockService(MockOptions options, MockKeys keys)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      merchant_public_(keys_.merchant_key.public_key()),
      model_(keys_.mch_id) {
  model_.set_processing_delay(options_.processing_delay_s);
}

SystemTime MockService::now() const {
  const SystemTime base = options_.fixed_time ? *options_.fixed_time : SystemClock().now();
  return base + std::chrono::duration_cast<SystemTime::duration>(offset_);
}

ServerResponse MockService::handle(const ServerRequest& request) {
  if (request.target.starts_with("/admin/") || request.target == "/admin") {
    return handle_admin(request);
  }
  return handle_api(request);
}

MockService::Plan MockService::plan_faults(const ServerRequest& request) {
  Plan plan;
  const std::string path = split_target(request.target).path;
  for (auto& f : faults_) {
    if (f.remaining == 0) continue;
    if (!f.method.empty() && f.method != request.method) continue;
    if (!f.path.empty() && !path.starts_with(f.path)) continue;
    bool used = false;
    if (is_response_fault(f.kind) && !plan.response) {
      plan.response = f;
      used = true;
    } else if (f.kind == "delay" && plan.delay_ms == 0) {
      plan.delay_ms = f.delay_ms;
      used = true;
    } else if (f.kind == "bill_hash_mismatch" && !plan.bill_hash_mismatch &&
               path == "/v3/profitsharing/bills") {
      plan.bill_hash_mismatch = true;
      used = true;
    } else if (!is_response_fault(f.kind) && f.kind != "delay" && f.kind != "bill_hash_mismatch" &&
               !plan.signature) {
      plan.signature = f;
      used = true;
    }
    if (used && f.remaining > 0) --f.remaining;
  }
  std::erase_if(faults_, [](const Fault& f) { return f.remaining == 0; });
  return plan;
}

ServerResponse MockService::handle_api(const ServerRequest& request) {
  Plan plan;
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mu_);
    plan = plan_faults(request);
    // Recorded on arrival, so a test sees a request even while its answer is being delayed.
    seq = ++seq_;
    // Milliseconds (mock time): rate benchmarks count requests in sliding 1 s windows.
    const auto arrival_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
    requests_.push_back({{"seq", seq},
                         {"method", request.method},
                         {"target", request.target},
                         {"body_sha1", sha1_hex(request.body)},
                         {"wechatpay_serial", request.header("Wechatpay-Serial").value_or("")},
                         {"time", beijing_time(now())},
                         {"time_ms", arrival_ms},
                         {"status", nullptr}});
  }
  if (plan.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.delay_ms));
  std::lock_guard lock(mu_);
  const SystemTime t = now();
  json outcome = json::object();
  Reply reply;
  bool raw_file = false;
  bool drop = false;
  if (plan.response && !plan.response->after_commit) {
    drop = plan.response->kind == "drop";
    reply = fault_reply(*plan.response);
  } else {
    if (auto refused = authenticate(request, t)) {
      reply = *refused;
    } else {
      reply = dispatch(request, plan, t, raw_file);
    }
    if (plan.response) {
      // The request took effect; only its answer is lost or replaced.
      outcome["committed_status"] = reply.status;
      drop = plan.response->kind == "drop";
      reply = fault_reply(*plan.response);
      raw_file = false;
    }
  }
  outcome["status"] = drop ? 0 : reply.status;
  if (const json doc = json::parse(reply.body, nullptr, false);
      reply.status != 200 && !raw_file && doc.is_object()) {
    outcome["code"] = doc.value("code", "");
  }
  for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
    if ((*it)["seq"] == seq) {
      it->update(outcome);
      break;
    }
  }
  if (options_.verbose) {
    std::fprintf(stderr, "%s %s -> %d\n", request.method.c_str(), request.target.c_str(),
                 drop ? 0 : reply.status);
  }
  if (drop) return {0, {}, {}, true};
  if (raw_file) {
    // The bill file: raw bytes, no Wechatpay-* headers (reference section 5.i).
    return {200,
            {{"Request-ID", random_hex(32)}, {"Content-Type", "application/octet-stream"}},
            reply.body};
  }
  ServerResponse out = sign(reply, request, plan.signature, t);
  if (plan.response && plan.response->retry_after >= 0) {
    out.headers.emplace_back("Retry-After", std::to_string(plan.response->retry_after));
  }
  return out;
}

std::optional<Reply> MockService::authenticate(const ServerRequest& request, SystemTime t) const {
  // 1. Accept and User-Agent.
  if (request.header("Accept").value_or("").empty() ||
      request.header("User-Agent").value_or("").empty()) {
    return Reply::error(400, "INVALID_REQUEST", "Http头缺少Accept或User-Agent");
  }
  // 2. Authorization format and identities.
  const auto auth = parse_authorization(request.header("Authorization").value_or(""));
  if (!auth) return sign_error("Authorization格式错误", {{"field", "authorization"}});
  for (const char* key : {"mchid", "nonce_str", "signature", "timestamp", "serial_no"}) {
    if (!auth->contains(key) || auth->at(key).empty()) {
      return sign_error(std::string("Authorization缺少") + key, {{"field", key}});
    }
  }
  if (auth->at("mchid") != keys_.mch_id) return sign_error("商户号不存在", {{"field", "mchid"}});
  if (!iequal(auth->at("serial_no"), keys_.merchant_serial)) {
    return sign_error("商户证书序列号有误", {{"field", "serial_no"}});
  }
  // 3. Clock window.
  std::int64_t ts = 0;
  const std::string& ts_text = auth->at("timestamp");
  const auto [end, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
  if (ec != std::errc() || end != ts_text.data() + ts_text.size() ||
      std::abs(unix_seconds(t) - ts) > kMaxSkewSeconds) {
    return sign_error("请求的时间戳已过期或与服务器时间相差超过5分钟", {{"field", "timestamp"}});
  }
  // 4. Signature over the raw request.
  const std::string message =
      request_sign_message(request.method, request.target, ts, auth->at("nonce_str"), request.body);
  auto raw = base64_decode(auth->at("signature"));
  if (!raw || !merchant_public_.verify_sha256(message, *raw)) {
    return sign_error("签名错误，请检查后再试",
                      {{"field", "signature"},
                       {"location", "authorization"},
                       {"detail", {{"issue", "sign not match"}}},
                       {"sign_information",
                        {{"method", request.method},
                         {"url", request.target},
                         {"sign_message_length", message.size()},
                         {"truncated_sign_message", message.substr(0, kTruncatedSignMessage)}}}});
  }
  return std::nullopt;
}

std::optional<Reply> MockService::check_serial(const ServerRequest& request) const {
  // Step 6: a named platform key must be one of ours.
  if (auto serial = request.header("Wechatpay-Serial"); serial && !owns_serial(*serial)) {
    return Reply::error(400, "INVALID_REQUEST", "Wechatpay-Serial对应的平台证书或公钥不存在");
  }
  return std::nullopt;
}

bool MockService::owns_serial(const std::string& serial) const {
  return key_for_serial(serial).has_value();
}

std::optional<RsaPrivateKey> MockService::key_for_serial(const std::string& serial) const {
  if (serial == keys_.pubkey_id) return keys_.pubkey_private;
  if (!options_.certificates) return std::nullopt;
  for (const auto& c : keys_.certs) {
    if (!c.retired && iequal(c.serial, serial)) return c.key;
  }
  return std::nullopt;
}

ServerResponse MockService::sign(const Reply& reply, const ServerRequest& request,
                                 const std::optional<Fault>& fault, SystemTime t) const {
  ServerResponse out{
      reply.status,
      {{"Request-ID", random_hex(32)}, {"Content-Type", "application/json; charset=utf-8"}},
      reply.body};
  if (fault && fault->kind == "unsigned") return out;
  // The key the request named (certificate or PUB_KEY_ID_...), else the configured default. A
  // request naming an older certificate still gets the newest one: that is how rotation shows.
  const std::string named = request.header("Wechatpay-Serial").value_or("");
  const bool public_key = !options_.certificates || named == keys_.pubkey_id ||
                          (named.empty() && options_.sign_mode == "public-key");
  const PlatformCert& cert = keys_.certs.back();
  const RsaPrivateKey& key = public_key ? keys_.pubkey_private : cert.key;
  std::string serial = public_key ? keys_.pubkey_id : cert.serial;
  std::int64_t ts = unix_seconds(t);
  if (fault && fault->kind == "stale_timestamp") ts -= 600;
  const std::string nonce = random_hex(32);
  std::string message = response_sign_message(std::to_string(ts), nonce, reply.body);
  if (fault && fault->kind == "bad_signature") message += "tampered";
  std::string signature = base64_encode(key.sign_sha256(message).value_or(""));
  if (fault && fault->kind == "signtest") signature.replace(0, 19, "WECHATPAY/SIGNTEST/");
  if (fault && fault->kind == "unknown_serial") serial = random_hex(40);  // not one of ours
  out.headers.insert(out.headers.end(), {{"Wechatpay-Timestamp", std::to_string(ts)},
                                         {"Wechatpay-Nonce", nonce},
                                         {"Wechatpay-Serial", serial},
                                         {"Wechatpay-Signature-Type", std::string(kAuthScheme)},
                                         {"Wechatpay-Signature", signature}});
  return out;
}

Reply MockService::certificates(SystemTime) const {
  json data = json::array();
  if (options_.certificates) {
    for (const auto& c : keys_.certs) {
      if (c.retired) continue;
      const std::string nonce = random_alnum(12);
      auto ct = aes_256_gcm_encrypt(keys_.apiv3_key, nonce, "certificate", c.pem);
      data.push_back({{"serial_no", c.serial},
                      {"effective_time", beijing_time(c.not_before)},
                      {"expire_time", beijing_time(c.not_after)},
                      {"encrypt_certificate",
                       {{"algorithm", "AEAD_AES_256_GCM"},
                        {"nonce", nonce},
                        {"associated_data", "certificate"},
                        {"ciphertext", base64_encode(ct.value_or(""))}}}});
    }
  }
  return Reply::json({{"data", data}});
}

}  // namespace orderops::wechatpay::mock
