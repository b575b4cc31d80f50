#include "wechatpay/api_error.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace orderops::wechatpay {
namespace {

struct ErrorBody {
  std::string code;
  std::string message;
  std::string field;
  std::string sign_url;  // SIGN_ERROR: the server's view of what was signed
};

// Lenient: gateways answer with empty or non-JSON bodies.
ErrorBody parse_body(std::string_view body) {
  ErrorBody out;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return out;
  auto text = [](const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  out.code = text(doc, "code");
  out.message = text(doc, "message");
  if (auto d = doc.find("detail"); d != doc.end() && d->is_object()) {
    out.field = text(*d, "field");
    if (auto s = d->find("sign_information"); s != d->end() && s->is_object()) {
      out.sign_url = text(*s, "method") + " " + text(*s, "url");
    }
  }
  return out;
}

ErrorCode code_for(int status, const ErrorBody& body) {
  if (status == 429 || status == 202 || status >= 500) return ErrorCode::kUnavailable;
  const std::string& c = body.code;
  if (c == kCodeNotFound || c == "ORDER_NOT_EXIST" || c == kCodeNoStatement) {
    return ErrorCode::kNotFound;
  }
  if (c == "RATELIMIT_EXCEED" || c == "RATELIMIT_EXCEEDED" || c == "FREQUENCY_LIMITED") {
    return ErrorCode::kUnavailable;
  }
  if (c == kCodeInvalidRequest && body.message.find("订单处理中") != std::string::npos) {
    return ErrorCode::kUnavailable;
  }
  if (c == kCodeParamError || c == kCodeInvalidRequest) return ErrorCode::kInvalid;
  if (c == kCodeSignError || status == 401) return ErrorCode::kUnauthorized;
  if (c == kCodeNoAuth || c == kCodeNotEnough || status == 403) return ErrorCode::kForbidden;
  if (status == 400) return ErrorCode::kInvalid;
  if (status == 404) return ErrorCode::kNotFound;
  return ErrorCode::kInternal;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view text) {
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

}  // namespace

Error api_error(std::string_view endpoint, int status, std::string_view body,
                std::string_view request_id, std::string_view retry_after_header) {
  const ErrorBody parsed = parse_body(body);
  Error e;
  e.code = code_for(status, parsed);
  e.reason = parsed.code.empty() && status == 202 ? std::string(kReasonAccepted) : parsed.code;
  e.http_status = status;
  e.message = "wechatpay " + std::string(endpoint) + ": HTTP " + std::to_string(status);
  if (!parsed.code.empty()) e.message += " " + parsed.code;
  if (!parsed.message.empty()) e.message += ": " + parsed.message;
  if (!parsed.field.empty()) e.message += " (field " + parsed.field + ")";
  if (!parsed.sign_url.empty()) e.message += " (server signed view: " + parsed.sign_url + ")";
  if (!request_id.empty()) e.message += " [Request-ID " + std::string(request_id) + "]";
  e.retry_after = parse_retry_after(retry_after_header);
  return e;
}

bool is_retryable_status(int status) { return status == 429 || status == 202 || status >= 500; }

}  // namespace orderops::wechatpay
