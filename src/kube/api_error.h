// Translation of Kubernetes API failures into orderops::Error, at the client's edge: the HTTP
// status picks the ErrorCode and the metav1.Status body supplies reason and message (client-go's
// apierrors). Predicates let callers branch on the Kubernetes reason. Pure; thread-safe.
#pragma once

#include "common/error.h"
#include "kube/object.h"
#include "kube/transport.h"

namespace orderops::kube {

// Kubernetes Status reasons (metav1.StatusReason) the client branches on.
inline constexpr std::string_view kReasonNotFound = "NotFound";
inline constexpr std::string_view kReasonAlreadyExists = "AlreadyExists";
inline constexpr std::string_view kReasonConflict = "Conflict";
inline constexpr std::string_view kReasonInvalid = "Invalid";
inline constexpr std::string_view kReasonExpired = "Expired";
inline constexpr std::string_view kReasonGone = "Gone";
inline constexpr std::string_view kReasonTooManyRequests = "TooManyRequests";
inline constexpr std::string_view kReasonTimeout = "Timeout";
inline constexpr std::string_view kReasonInternalError = "InternalError";
inline constexpr std::string_view kReasonUnauthorized = "Unauthorized";
// Set by the transport when the TCP connection was refused (client-go's IsConnectionRefused).
inline constexpr std::string_view kReasonConnectionRefused = "ConnectionRefused";

// A non-2xx response: Status body when there is one, else a reason derived from the code.
Error error_from_response(const HttpResponse& response);
// A metav1.Status object (a watch ERROR event); `code` inside it picks the ErrorCode.
Error error_from_status(const Json& status);

bool is_not_found(const Error& e);
bool is_already_exists(const Error& e);
bool is_conflict(const Error& e);
bool is_invalid(const Error& e);
// 410, reason Expired or Gone (client-go reflector isExpiredError).
bool is_expired(const Error& e);
// 504 with cause ResourceVersionTooLarge ("Too large resource version").
bool is_resource_version_too_large(const Error& e);
bool is_too_many_requests(const Error& e);
bool is_connection_refused(const Error& e);
bool is_internal_error(const Error& e);

}  // namespace orderops::kube
