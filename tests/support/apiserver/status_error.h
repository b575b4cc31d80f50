// Kubernetes error responses: metav1.Status bodies worded exactly as kube-apiserver words them
// (NotFound, AlreadyExists, Conflict, Invalid with field causes, ...), and field.Error rendering
// with Go's value formatting. Pure values; thread-safe.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/http_types.h"

namespace orderops::apiserver {

// One apimachinery field.Error.
struct FieldError {
  enum class Type {
    kRequired,
    kInvalid,
    kNotSupported,
    kDuplicate,
    kTooLong,
    kTooMany,
    kForbidden,
    kTypeInvalid,
    kNotFound
  };
  Type type = Type::kInvalid;
  std::string field;
  std::optional<nlohmann::json> value;  // absent: the value is omitted from the message
  std::string detail;

  std::string body() const;    // field.Error.ErrorBody()
  std::string error() const;   // "<field>: <body>"
  std::string reason() const;  // StatusCause reason, e.g. FieldValueInvalid
};

struct ApiError {
  int code = 500;
  std::string reason;
  std::string message;
  nlohmann::json details;  // null when absent
  std::optional<int> retry_after_seconds;
};

// A handler step either yields a value or the Status the client must see.
template <class T>
using ApiResult = std::expected<T, ApiError>;
inline std::unexpected<ApiError> fail(ApiError e) {
  return std::unexpected<ApiError>(std::move(e));
}

nlohmann::json status_json(const ApiError& e);
HttpResponse error_response(const ApiError& e);
HttpResponse json_response(int code, const nlohmann::json& body);
nlohmann::json success_status(const nlohmann::json& details);

// "<resource>.<group>" or "<resource>" for the core group.
std::string qualified_resource(const std::string& group, const std::string& resource);

ApiError not_found(const std::string& group, const std::string& resource, const std::string& name);
ApiError already_exists(const std::string& group, const std::string& resource,
                        const std::string& name);
// 409 Conflict "Operation cannot be fulfilled on <qr> \"<name>\": <detail>".
ApiError conflict(const std::string& group, const std::string& resource, const std::string& name,
                  const std::string& detail);
ApiError modified_conflict(const std::string& group, const std::string& resource,
                           const std::string& name);
ApiError invalid(const std::string& group, const std::string& kind, const std::string& name,
                 const std::vector<FieldError>& errors);
ApiError bad_request(std::string message);
ApiError unsupported_media_type(const std::vector<std::string>& accepted);
ApiError not_acceptable(std::string message);
ApiError method_not_supported(const std::string& group, const std::string& resource,
                              const std::string& verb);
ApiError unauthorized();
ApiError expired(std::string message);
ApiError too_many_requests(int retry_after_seconds);
ApiError internal_error(std::string message);
ApiError timeout_error(std::string message, const std::string& cause_type);
ApiError path_not_found();

// Go fmt %v of a float64 ("1", "0.5", "1e+06").
std::string go_float(double v);
// Go strconv.Quote of a UTF-8 string.
std::string go_quote(const std::string& s);

}  // namespace orderops::apiserver
