#include "kube/cpprest_util.h"

#include <cerrno>

namespace orderops::kube::detail {

Error transport_error(const std::exception_ptr& failure, bool stopped) {
  if (stopped) return Error{ErrorCode::kCancelled, "request stopped", {}, {}, {}};
  try {
    std::rethrow_exception(failure);
  } catch (const web::http::http_exception& e) {
    if (e.error_code().value() == ECONNREFUSED) {
      return Error{ErrorCode::kUnavailable,
                   std::string("connection refused: ") + e.what(),
                   "ConnectionRefused",
                   {},
                   {}};
    }
    return Error{ErrorCode::kUnavailable, std::string("http: ") + e.what(), {}, {}, {}};
  } catch (const pplx::task_canceled&) {
    return Error{ErrorCode::kCancelled, "request cancelled", {}, {}, {}};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kUnavailable, std::string("http: ") + e.what(), {}, {}, {}};
  } catch (...) {
    return Error{ErrorCode::kUnavailable, "http: unknown failure", {}, {}, {}};
  }
}

HttpResponse head_of(const web::http::http_response& response) {
  HttpResponse out;
  out.status = response.status_code();
  const auto& headers = response.headers();
  if (auto it = headers.find("Retry-After"); it != headers.end()) out.retry_after = it->second;
  if (auto it = headers.find("Warning"); it != headers.end()) out.warnings.push_back(it->second);
  return out;
}

}  // namespace orderops::kube::detail
