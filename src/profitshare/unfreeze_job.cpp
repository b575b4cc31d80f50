#include "profitshare/unfreeze_job.h"

#include "profitshare/job_support.h"
#include "profitshare/names.h"
#include "profitshare/order_answers.h"
#include "profitshare/order_payload.h"
#include "profitshare/out_order_no.h"
#include "wechatpay/api_error.h"

namespace orderops::profitshare {

namespace {

class UnfreezeRun {
 public:
  UnfreezeRun(const UnfreezeConfig& config, JobEnv& env) : config_(config), env_(env) {}

  void run() {
    UnfreezeScan scan;
    scan.scope = env_.scope;
    scan.unfreeze_hours = config_.unfreeze_hours;
    scan.force = config_.force;
    scan.retry_enabled = config_.retry.enabled;
    scan.retry_max = config_.retry.max_retry;
    scan.retry_lookback_days = config_.retry.lookback_days;
    scan.non_retryable_reasons = config_.retry.non_retryable_reasons;
    scan.limit = config_.page_size;
    while (!env_.stopped() && !env_.result.error) {
      auto page = env_.session.unfreeze_candidates(scan);
      if (!page) return env_.fail_run(page.error().wrap("select orders"));
      for (const auto& c : *page) {
        if (env_.stopped() || env_.result.error) return;
        process(c);
      }
      if (static_cast<int>(page->size()) < scan.limit) return;
      scan.after_id = page->back().order_id;
    }
  }

 private:
  void process(const UnfreezeCandidate& c) {
    env_.result.add(count::kSelected);
    const std::string id = std::to_string(c.order_id);
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
    if (*unsplit <= 0) return nothing_left(c);
    unfreeze(c);
  }

  void nothing_left(const UnfreezeCandidate& c) {
    const std::string id = std::to_string(c.order_id);
    if (env_.dry_run()) {
      env_.result.add(count::kNothingToUnfreeze);
      env_.would("mark unfrozen (nothing left) order", id);
      return;
    }
    auto marked = env_.session.mark_unfrozen(c.order_id);
    if (!marked) {
      env_.item_db_error(id, marked.error().wrap("mark unfrozen"));
      return;
    }
    env_.result.add(*marked ? count::kNothingToUnfreeze : count::kSkipped);
  }

  void unfreeze(const UnfreezeCandidate& c) {
    const std::string id = std::to_string(c.order_id);
    const wechatpay::UnfreezeRequest request{
        c.transaction_id, unfreeze_out_order_no(c.out_order_no, c.closed_unfreezes + 1),
        config_.description};
    const std::string payload = encode_unfreeze_payload(request);
    auto sent = decode_unfreeze_payload(payload);
    if (!sent) return env_.fail_item(id, sent.error());
    if (env_.dry_run()) {
      env_.result.add(count::kUnfrozen);
      env_.would("unfreeze order", id + " as " + request.out_order_no);
      return;
    }
    auto child = env_.session.record_unfreeze(
        UnfreezeIntent{c.order_id, c.closed_unfreezes, request.out_order_no, payload});
    if (!child) {
      env_.item_db_error(id, child.error().wrap("record unfreeze"));
      return;
    }
    if (!*child) {
      env_.result.add(count::kSkipped);  // another run recorded it first
      return;
    }
    if (env_.ctx.after_intent_commit_for_test) {
      env_.ctx.after_intent_commit_for_test("unfreeze-committed", (*child)->id);
    }
    post(id, **child, *sent);
  }

  void post(const std::string& id, const StoredOrder& child,
            const wechatpay::UnfreezeRequest& request) {
    const auto started = env_.ctx.clock.monotonic();
    auto answer = env_.payment.unfreeze(request, env_.ctx.stop);
    env_.log_operation(kOpUnfreezeOrder, started, child.request_payload,
                       answer ? nullptr : &answer.error(), answer ? answer->raw_json : "");
    if (!answer) return post_failed(id, child, answer.error());
    env_.result.add(count::kUnfrozen);
    const auto change = plan_sync_change(child.order_id, {}, *answer, env_.ctx.clock.now());
    auto stored = store_answer(env_, child, change, *answer, false);
    if (!stored) {
      env_.ctx.logger.warn("unfreeze answer not stored; sync will fetch it",
                           {{"order", child.id}, {"error", stored.error().message}});
      if (is_session_fatal(stored.error())) env_.fail_run(stored.error());
    }
  }

  // NOT_ENOUGH ("分账金额为0"): someone or WeChat Pay itself released the rest meanwhile.
  void post_failed(const std::string& id, const StoredOrder& child, const Error& e) {
    const bool nothing = has_reason(e, wechatpay::kCodeNotEnough);
    if (nothing) {
      env_.result.add(count::kNothingToUnfreeze);
    } else {
      env_.fail_item(id, e);
    }
    if (!is_definitive(e)) return;
    auto closed = close_refused(env_, child, e);
    if (!closed && is_session_fatal(closed.error())) env_.fail_run(closed.error());
  }

  const UnfreezeConfig& config_;
  JobEnv& env_;
};

}  // namespace

ProfitShareRunResult run_unfreeze_job(const UnfreezeConfig& config, ProfitShareStore& store,
                                      PaymentApi& payment, const RunContext& ctx) {
  return run_task(api::Task::kUnfreeze, validate(config), config.merchant, store, payment, ctx,
                  [&config](JobEnv& env) { UnfreezeRun(config, env).run(); });
}

}  // namespace orderops::profitshare
