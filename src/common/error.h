// The one error type of OrderOps, and Result<T>. Adapters translate foreign failures (API Status
// bodies, SQLSTATEs, WeChat Pay codes, exceptions of third-party libraries) into Error at their
// edge, so no exception crosses a module boundary. Value type; thread-compatible.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace orderops {

// Closed set of codes: callers branch on these, never on message text.
enum class ErrorCode {
  kInvalid,        // bad input (spec field, flag, manifest, protocol violation by a peer)
  kNotFound,       // the thing does not exist
  kAlreadyExists,  // create of a name that exists
  kConflict,       // optimistic concurrency lost (resourceVersion, row state)
  kGone,           // a resourceVersion or continue token expired
  kUnauthorized,   // credentials missing or refused
  kForbidden,      // authenticated but not allowed
  kTimeout,        // a deadline passed
  kUnavailable,    // transient: network, 5xx, 429, database down
  kCancelled,      // stop requested (deadline of a run, lost leadership, Replace)
  kInternal,       // a bug or an unexpected peer answer
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // Machine-readable cause from the peer: Kubernetes Status reason, SQLSTATE, WeChat Pay code.
  std::string reason;
  std::optional<int> http_status;
  // Server-requested wait before retrying (HTTP Retry-After).
  std::optional<std::chrono::seconds> retry_after;

  // Transient failures that the same request may survive later.
  bool retryable() const;
  // "context: message", keeping code and details, for adding where the error passed through.
  Error wrap(std::string_view context) const;
  std::string to_string() const;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message,
                                         std::string reason = {}) {
  return std::unexpected<Error>(Error{code, std::move(message), std::move(reason), {}, {}});
}

inline std::unexpected<Error> invalid(std::string message) {
  return make_error(ErrorCode::kInvalid, std::move(message));
}

}  // namespace orderops
