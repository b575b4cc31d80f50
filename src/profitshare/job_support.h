// Internal to the PSS jobs: the frame every task runs in (validate, open a session, find the
// merchant, catch what must not escape, settle outcome and message, log), the operation log of
// WeChat Pay calls, and the classification of WeChat Pay errors. Not a public header.
// Thread-compatible: one JobEnv per run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/task.h"
#include "common/error.h"
#include "profitshare/config.h"
#include "profitshare/payment.h"
#include "profitshare/repository.h"
#include "profitshare/run_context.h"
#include "profitshare/run_result.h"

namespace orderops::profitshare {

// Items a dry run lists per action in its message.
inline constexpr std::size_t kWouldChangeSamples = 10;
inline constexpr std::size_t kMaxErrorMessage = 255;  // operation_log.error_message
inline constexpr std::size_t kMaxErrorCode = 32;      // operation_log.error_code

// Everything a task's body works with.
struct JobEnv {
  ProfitShareSession& session;
  PaymentApi& payment;
  const RunContext& ctx;
  MerchantScope scope;
  ProfitShareRunResult& result;

  bool dry_run() const { return ctx.dry_run; }
  bool stopped() const { return ctx.stop.stop_requested(); }

  // Counts a failed item, names it (all are kept; the message shows the first 10) and logs.
  void fail_item(std::string item, const Error& error);
  // Dry runs: remembers a sample of what would change (the first few per action).
  void would(std::string action, std::string item);
  // A database error on one item: the run goes on unless the session itself is gone (then the
  // run fails). Returns true when the run may continue.
  bool item_db_error(std::string item, const Error& error);
  // Ends the run on a whole-run failure (database gone, cancelled); the first error wins.
  void fail_run(Error error);

  // One operation-log row (live runs only; dry runs write nothing). A failure to write it is
  // logged, not fatal: the WeChat Pay call already happened and its effect is recorded.
  // `finished`: when the call ended, for a call whose answer is recorded later (sync sends a
  // batch's queries together); by default now.
  void log_operation(std::string_view type, MonotonicTime started, std::string request_payload,
                     const Error* error, std::string response_payload,
                     std::optional<MonotonicTime> finished = std::nullopt);
};

// The body of a task; it reports through env.result and env.fail_run.
using TaskBody = std::function<void(JobEnv& env)>;

// Runs `body` in the frame: validation error -> Failed; session or merchant lookup failure ->
// Failed (an unknown mch_id is kNotFound); exceptions are caught (kInternal); then outcome,
// message and metrics are settled and the run is logged.
ProfitShareRunResult run_task(api::Task task, const Status& valid, const MerchantRef& merchant,
                              ProfitShareStore& store, PaymentApi& payment, const RunContext& ctx,
                              const TaskBody& body);

// A refusal WeChat Pay will repeat for the same request (4xx business or parameter errors):
// nothing was created. Everything else (network, 5xx, 429, signature trouble) may have taken
// effect and is resolved later with the same number.
bool is_definitive(const Error& error);
// The session cannot go on (connection lost, cancelled, refused); other database errors belong
// to the row.
bool is_session_fatal(const Error& error);
bool has_reason(const Error& error, std::string_view reason);
// The WeChat code (or our reason, or the error code's name) for operation_log.error_code.
std::string error_code_of(const Error& error);
// "[Request-ID x]" from a client error message, "" when absent.
std::string request_id_of(const Error& error);
// At most `max_chars` UTF-8 characters, never splitting one.
std::string truncate_utf8(std::string_view text, std::size_t max_chars);

}  // namespace orderops::profitshare
