// Internal to the kube module (included only by its .cpp files): helpers that bridge cpprest's
// pplx tasks to Result with deadlines and stop tokens. Pulls in cpprest; never include it from
// a public header.
#pragma once

#include <cpprest/http_client.h>

#include <future>
#include <memory>
#include <optional>
#include <stop_token>
#include <utility>

#include "common/clock.h"
#include "common/error.h"
#include "kube/transport.h"

namespace orderops::kube::detail {

// Maps an exception from cpprest to Error (refused, broken, timed out, cancelled).
Error transport_error(const std::exception_ptr& failure, bool stopped);

// Status, Retry-After and Warning headers of a response.
HttpResponse head_of(const web::http::http_response& response);

// Cancels a cpprest request when a std::stop_token fires.
struct CancelRequest {
  pplx::cancellation_token_source cts;
  void operator()() const { cts.cancel(); }
};

// Waits for `task` up to `timeout`, then calls `cancel` and returns kTimeout without waiting for
// the task: the continuation owns the promise and touches nothing on the caller's stack, so an
// abandoned task (a body cpprest does not cancel once the headers arrived) finishes harmlessly.
template <class T, class Cancel>
Result<T> await(pplx::task<T> task, const Cancel& cancel, Duration timeout,
                const std::stop_token& stop) {
  using Outcome = std::pair<std::optional<T>, std::exception_ptr>;
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  task.then([promise](pplx::task<T> done) {
    try {
      promise->set_value(Outcome{done.get(), nullptr});
    } catch (...) {
      promise->set_value(Outcome{std::nullopt, std::current_exception()});
    }
  });
  if (future.wait_for(timeout) == std::future_status::timeout) {
    cancel();
    if (stop.stop_requested()) return make_error(ErrorCode::kCancelled, "request stopped");
    return make_error(ErrorCode::kTimeout, "request timed out", "ClientTimeout");
  }
  auto outcome = future.get();
  if (outcome.second)
    return std::unexpected(transport_error(outcome.second, stop.stop_requested()));
  return std::move(*outcome.first);
}

}  // namespace orderops::kube::detail
