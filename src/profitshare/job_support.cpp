#include "profitshare/job_support.h"

#include <exception>

namespace orderops::profitshare {

namespace {

std::int64_t elapsed_ms(const Clock& clock, MonotonicTime started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.monotonic() - started).count();
}

void log_finish(const ProfitShareRunResult& r, const RunContext& ctx, MonotonicTime started) {
  LogFields fields = {{"task", std::string(api::metric_name(r.task))},
                      {"outcome", std::string(api::to_string(r.outcome))},
                      {"dryRun", r.dry_run}};
  for (const auto& [key, value] : r.counts) fields.push_back({key, value});
  fields.push_back({"durationMs", elapsed_ms(ctx.clock, started)});
  fields.push_back({"message", r.message});
  const bool bad = r.outcome != api::Outcome::kSucceeded;
  ctx.logger.log(bad ? LogLevel::kWarn : LogLevel::kInfo, "profitshare run finished", fields);
}

void finish(ProfitShareRunResult& r, const RunContext& ctx, MonotonicTime started) {
  settle_metrics(r);
  r.outcome = decide_outcome(r, ctx.stop.stop_requested());
  r.message = build_message(r);
  log_finish(r, ctx, started);
}

// The body with the session open and the merchant known.
void run_body(api::Task task, const MerchantRef& merchant, ProfitShareStore& store,
              PaymentApi& payment, const RunContext& ctx, ProfitShareRunResult& result,
              const TaskBody& body) {
  auto session = store.open_session(ctx.stop);
  if (!session) {
    result.error = session.error();
    return;
  }
  auto merchant_id = (*session)->find_merchant(merchant.mch_id);
  if (!merchant_id) {
    result.error = merchant_id.error().wrap("look up merchant");
    return;
  }
  if (!*merchant_id) {
    result.error = Error{ErrorCode::kNotFound,
                         "wechat_payment_merchant has no row with mch_id " + merchant.mch_id,
                         "MerchantNotFound",
                         {},
                         {}};
    return;
  }
  JobEnv env{**session, payment, ctx, MerchantScope{**merchant_id, merchant.sub_mch_id}, result};
  ctx.logger.info("profitshare run started",
                  {{"task", std::string(api::metric_name(task))}, {"dryRun", ctx.dry_run}});
  body(env);
}

}  // namespace

void JobEnv::fail_item(std::string item, const Error& error) {
  result.add(count::kFailed);
  ctx.logger.warn("item failed", {{"item", item}, {"error", error.message}});
  result.failed_items.push_back(std::move(item));
}

void JobEnv::would(std::string action, std::string item) {
  std::size_t same = 0;
  for (const auto& w : result.would_change) same += w.action == action ? 1 : 0;
  if (same < kWouldChangeSamples) {
    result.would_change.push_back(WouldChange{std::move(action), std::move(item)});
  }
}

bool JobEnv::item_db_error(std::string item, const Error& error) {
  if (is_session_fatal(error)) {
    fail_run(error);
    return false;
  }
  fail_item(std::move(item), error);
  return true;
}

void JobEnv::fail_run(Error error) {
  if (!result.error) result.error = std::move(error);
}

void JobEnv::log_operation(std::string_view type, MonotonicTime started,
                           std::string request_payload, const Error* error,
                           std::string response_payload, std::optional<MonotonicTime> finished) {
  if (dry_run()) return;
  OperationRecord r;
  r.scope = scope;
  r.type = std::string(type);
  r.success = error == nullptr;
  if (error) {
    r.error_code = truncate_utf8(error_code_of(*error), kMaxErrorCode);
    r.error_message = truncate_utf8(error->message, kMaxErrorMessage);
    r.request_id = request_id_of(*error);
  }
  r.request_payload = std::move(request_payload);
  r.response_payload = std::move(response_payload);
  r.duration_ms =
      finished ? std::chrono::duration_cast<std::chrono::milliseconds>(*finished - started).count()
               : elapsed_ms(ctx.clock, started);
  r.run_id = ctx.run_id;
  r.resource_namespace = ctx.resource_namespace;
  r.resource_name = ctx.resource_name;
  r.task = std::string(api::metric_name(result.task));
  if (auto s = session.log_operation(r); !s) {
    ctx.logger.warn("operation log not written", {{"type", r.type}, {"error", s.error().message}});
  }
}

ProfitShareRunResult run_task(api::Task task, const Status& valid, const MerchantRef& merchant,
                              ProfitShareStore& store, PaymentApi& payment, const RunContext& ctx,
                              const TaskBody& body) {
  ProfitShareRunResult result = empty_result(task, ctx.dry_run);
  const auto started = ctx.clock.monotonic();
  if (!valid) {
    result.error = valid.error();
  } else {
    try {
      run_body(task, merchant, store, payment, ctx, result, body);
    } catch (const std::exception& e) {
      result.error =
          Error{ErrorCode::kInternal, std::string("unexpected: ") + e.what(), {}, {}, {}};
    }
  }
  finish(result, ctx, started);
  return result;
}

bool is_definitive(const Error& error) {
  return error.code == ErrorCode::kInvalid || error.code == ErrorCode::kForbidden;
}

bool is_session_fatal(const Error& error) {
  return error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kCancelled ||
         error.code == ErrorCode::kUnauthorized || error.code == ErrorCode::kForbidden;
}

bool has_reason(const Error& error, std::string_view reason) { return error.reason == reason; }

std::string error_code_of(const Error& error) {
  if (!error.reason.empty()) return error.reason;
  if (error.http_status) return std::to_string(*error.http_status);
  return std::string(to_string(error.code));
}

std::string request_id_of(const Error& error) {
  constexpr std::string_view kMarker = "[Request-ID ";
  const auto at = error.message.find(kMarker);
  if (at == std::string::npos) return {};
  const auto begin = at + kMarker.size();
  const auto end = error.message.find(']', begin);
  if (end == std::string::npos) return {};
  return truncate_utf8(std::string_view(error.message).substr(begin, end - begin), 64);
}

std::string truncate_utf8(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) return std::string(text.substr(0, i));
    ++chars;
  }
  return std::string(text);
}

}  // namespace orderops::profitshare
