#include "kube/api_error.h"

#include <charconv>

namespace orderops::kube {
namespace {

ErrorCode code_for_status(int status, std::string_view reason) {
  switch (status) {
    case 400:
    case 422:
      return ErrorCode::kInvalid;
    case 401:
      return ErrorCode::kUnauthorized;
    case 403:
      return ErrorCode::kForbidden;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return reason == kReasonAlreadyExists ? ErrorCode::kAlreadyExists : ErrorCode::kConflict;
    case 410:
      return ErrorCode::kGone;
    case 504:
      return ErrorCode::kTimeout;
    default:
      break;
  }
  if (status == 429 || status >= 500) return ErrorCode::kUnavailable;
  return ErrorCode::kInternal;
}

// client-go's NewGenericServerResponse: the reason a bare status code implies.
std::string_view reason_for_status(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return kReasonUnauthorized;
    case 403:
      return "Forbidden";
    case 404:
      return kReasonNotFound;
    case 405:
      return "MethodNotAllowed";
    case 409:
      return kReasonConflict;
    case 410:
      return kReasonGone;
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return kReasonInvalid;
    case 429:
      return kReasonTooManyRequests;
    case 500:
      return kReasonInternalError;
    case 503:
      return "ServiceUnavailable";
    case 504:
      return kReasonTimeout;
    default:
      return "";
  }
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view text) {
  long seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

Error build(int status, const Json* body, std::string_view fallback_message) {
  std::string reason;
  std::string message;
  if (body != nullptr && body->is_object() && body->value("kind", "") == "Status") {
    reason = body->value("reason", "");
    message = body->value("message", "");
  }
  if (reason.empty()) reason = reason_for_status(status);
  if (message.empty()) {
    message = fallback_message.empty() ? "the server answered HTTP " + std::to_string(status)
                                       : "the server answered HTTP " + std::to_string(status) +
                                             ": " + std::string(fallback_message.substr(0, 200));
  }
  Error e{code_for_status(status, reason), std::move(message), std::move(reason), status, {}};
  return e;
}

}  // namespace

Error error_from_response(const HttpResponse& response) {
  const Json body = Json::parse(response.body, nullptr, false);
  Error e = build(response.status, body.is_discarded() ? nullptr : &body,
                  body.is_discarded() ? std::string_view(response.body) : std::string_view());
  e.retry_after = parse_retry_after(response.retry_after);
  return e;
}

Error error_from_status(const Json& status) {
  int code = 500;
  if (status.is_object()) {
    const auto it = status.find("code");
    if (it != status.end() && it->is_number_integer()) code = it->get<int>();
  }
  return build(code, &status, {});
}

bool is_not_found(const Error& e) { return e.code == ErrorCode::kNotFound; }
bool is_already_exists(const Error& e) { return e.code == ErrorCode::kAlreadyExists; }
bool is_conflict(const Error& e) { return e.code == ErrorCode::kConflict; }
bool is_invalid(const Error& e) { return e.reason == kReasonInvalid; }
bool is_expired(const Error& e) {
  return e.http_status == 410 || e.reason == kReasonExpired || e.reason == kReasonGone;
}
bool is_resource_version_too_large(const Error& e) {
  return e.http_status == 504 && e.message.find("Too large resource version") != std::string::npos;
}
bool is_too_many_requests(const Error& e) {
  return e.http_status == 429 || e.reason == kReasonTooManyRequests;
}
bool is_connection_refused(const Error& e) { return e.reason == kReasonConnectionRefused; }
bool is_internal_error(const Error& e) {
  return e.http_status == 500 || e.reason == kReasonInternalError;
}

}  // namespace orderops::kube
