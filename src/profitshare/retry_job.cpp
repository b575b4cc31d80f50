#include "profitshare/retry_job.h"

#include <algorithm>

#include "profitshare/job_support.h"
#include "profitshare/names.h"
#include "profitshare/order_answers.h"
#include "profitshare/order_payload.h"
#include "profitshare/out_order_no.h"

namespace orderops::profitshare {

namespace {

// The receiver's name is NOT resent. It is stored as RSA-OAEP ciphertext for whichever platform
// key was current when the split was made: OrderOps cannot decrypt it (that needs WeChat Pay's
// private key) and does not know that key's serial, which must accompany it; after a certificate
// rotation it would be refused. `name` is optional in the create request, and WeChat Pay already
// checked it when the receiver relation was added.
Result<wechatpay::CreateOrderRequest> retry_request(const RetryCandidate& c,
                                                    std::string out_order_no) {
  const auto type = wechatpay::parse_receiver_type(c.type);
  if (!type) return invalid("receiver type \"" + c.type + "\" is not one WeChat Pay knows");
  wechatpay::CreateOrderRequest r;
  r.appid = c.app_id;
  r.transaction_id = c.transaction_id;
  r.out_order_no = std::move(out_order_no);
  wechatpay::ReceiverRequest receiver;
  receiver.type = *type;
  receiver.account = c.account;
  receiver.amount = c.amount;
  receiver.description = c.description;
  r.receivers.push_back(std::move(receiver));
  r.unfreeze_unsplit = false;  // the rest stays for further retries; unfreeze releases it later
  return r;
}

class RetryRun {
 public:
  RetryRun(const RetryConfig& config, JobEnv& env) : config_(config), env_(env) {}

  void run() {
    RetryScan scan{env_.scope, config_.rules.lookback_days, config_.page_size, 0};
    while (!env_.stopped() && !env_.result.error) {
      auto page = env_.session.retry_candidates(scan);
      if (!page) return env_.fail_run(page.error().wrap("select receivers"));
      for (const auto& c : *page) {
        if (env_.stopped() || env_.result.error) break;
        process(c);
      }
      if (static_cast<int>(page->size()) < scan.limit) break;
      scan.after_id = page->back().receiver_id;
    }
    if (env_.stopped()) return;
    auto finals = env_.session.count_finally_failed(env_.scope, config_.rules.lookback_days);
    if (finals) {
      env_.result.receivers_finally_failed = *finals;
    } else {
      env_.ctx.logger.warn("finally failed receivers not counted",
                           {{"error", finals.error().message}});
    }
  }

 private:
  bool non_retryable(const std::string& reason) const {
    const auto& list = config_.rules.non_retryable_reasons;
    return !reason.empty() && std::find(list.begin(), list.end(), reason) != list.end();
  }

  void process(const RetryCandidate& c) {
    env_.result.add(count::kSelected);
    const std::string id = std::to_string(c.receiver_id);
    if (c.order_unfreeze_unsplit) return finalize(c, "parent order unfroze the rest");
    if (non_retryable(c.fail_reason)) return finalize(c, "fail reason " + c.fail_reason);
    if (c.retry_count >= config_.rules.max_retry) return finalize(c, "maxRetry reached");
    // An attempt still under way is sync's to finish; a split still PROCESSING may yet return
    // this receiver's money.
    if (c.attempt_open || c.order_state == kStateProcessing) return skip(c);
    const auto started = env_.ctx.clock.monotonic();
    auto unsplit = env_.payment.unsplit_amount(c.transaction_id, env_.ctx.stop);
    env_.log_operation(kOpQueryRemainingAmount, started, amount_payload(c.transaction_id),
                       unsplit ? nullptr : &unsplit.error(),
                       unsplit ? "{\"unsplit_amount\":" + std::to_string(*unsplit) + "}" : "");
    if (!unsplit) {
      if (unsplit.error().code == ErrorCode::kCancelled) return env_.fail_run(unsplit.error());
      return env_.fail_item(id, unsplit.error());
    }
    if (env_.stopped()) return;  // checked between calls: nothing recorded yet
    if (*unsplit < c.amount) {
      return finalize(
          c, "unsplit amount " + std::to_string(*unsplit) + " < " + std::to_string(c.amount));
    }
    resubmit(c);
  }

  void skip(const RetryCandidate& c) {
    env_.result.add(count::kSkipped);
    env_.ctx.logger.debug("receiver skipped", {{"receiver", c.receiver_id}});
  }

  void finalize(const RetryCandidate& c, const std::string& why) {
    const std::string id = std::to_string(c.receiver_id);
    env_.ctx.logger.info("receiver finally failed", {{"receiver", c.receiver_id}, {"why", why}});
    if (env_.dry_run()) {
      env_.result.add(count::kFinallyFailed);
      env_.would("finalize receiver", id + " (" + why + ")");
      return;
    }
    auto done = env_.session.finalize_receiver(c.receiver_id, c.retry_count);
    if (!done) {
      env_.item_db_error(id, done.error().wrap("finalize receiver"));
      return;
    }
    env_.result.add(*done ? count::kFinallyFailed : count::kSkipped);
  }

  void resubmit(const RetryCandidate& c) {
    const std::string id = std::to_string(c.receiver_id);
    const int attempt = c.retry_count + 1;
    auto request =
        retry_request(c, retry_out_order_no(c.order_out_order_no, c.receiver_id, attempt));
    if (!request) return env_.fail_item(id, request.error());
    auto payload = encode_create_payload(*request);
    if (!payload) return env_.fail_item(id, payload.error());
    // What is sent is what a resend will send: both come from the stored payload.
    auto sent = decode_create_payload(*payload);
    if (!sent) return env_.fail_item(id, sent.error());
    if (env_.dry_run()) {
      env_.result.add(count::kResubmitted);
      env_.would("resubmit receiver", id + " as " + request->out_order_no);
      return;
    }
    RetryIntent intent{
        c.receiver_id, c.retry_count, c.order_id, request->out_order_no, *payload,
        c.type,        c.account,     c.amount,   c.description,         config_.rules.interval};
    auto order = env_.session.record_retry(intent);
    if (!order) {
      env_.item_db_error(id, order.error().wrap("record retry"));
      return;
    }
    if (!*order) return skip(c);  // another run recorded this attempt first
    if (env_.ctx.after_intent_commit_for_test) {
      env_.ctx.after_intent_commit_for_test("retry-committed", (*order)->id);
    }
    post(c, **order, *sent);
  }

  void post(const RetryCandidate& c, const StoredOrder& order,
            const wechatpay::CreateOrderRequest& request) {
    const std::string id = std::to_string(c.receiver_id);
    const auto started = env_.ctx.clock.monotonic();
    auto answer = env_.payment.create_order(request, env_.ctx.stop);
    env_.log_operation(kOpRequestOrder, started, order.request_payload,
                       answer ? nullptr : &answer.error(), answer ? answer->raw_json : "");
    if (!answer) return post_failed(id, order, answer.error());
    env_.result.add(count::kResubmitted);
    const auto change =
        plan_sync_change(order.order_id, order.receivers, *answer, env_.ctx.clock.now());
    auto stored = store_answer(env_, order, change, *answer, false);
    if (!stored) {
      env_.ctx.logger.warn("create answer not stored; sync will fetch it",
                           {{"order", order.id}, {"error", stored.error().message}});
      if (is_session_fatal(stored.error())) env_.fail_run(stored.error());
    }
  }

  // Refused for good: nothing exists at WeChat Pay under this number; the order is closed and the
  // next retry run tries the next attempt. Anything else (timeout, 5xx) may have arrived: sync
  // finds out with the same number.
  void post_failed(const std::string& id, const StoredOrder& order, const Error& e) {
    env_.fail_item(id, e);
    if (!is_definitive(e)) return;
    auto closed = close_refused(env_, order, e);
    if (!closed && is_session_fatal(closed.error())) env_.fail_run(closed.error());
  }

  const RetryConfig& config_;
  JobEnv& env_;
};

}  // namespace

ProfitShareRunResult run_retry_job(const RetryConfig& config, ProfitShareStore& store,
                                   PaymentApi& payment, const RunContext& ctx) {
  return run_task(api::Task::kRetry, validate(config), config.merchant, store, payment, ctx,
                  [&config](JobEnv& env) { RetryRun(config, env).run(); });
}

}  // namespace orderops::profitshare
