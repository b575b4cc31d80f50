#include "profitshare/sync_job.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "profitshare/job_support.h"
#include "profitshare/names.h"
#include "profitshare/order_answers.h"
#include "profitshare/order_payload.h"
#include "wechatpay/api_error.h"

namespace orderops::profitshare {

namespace {

class SyncRun {
 public:
  SyncRun(const SyncConfig& config, JobEnv& env) : config_(config), env_(env) {}

  void run() {
    if (env_.dry_run()) {
      scan();
    } else {
      claim_batches();
    }
    if (env_.stopped()) return;
    auto stuck = env_.session.count_stuck_orders(env_.scope, config_.timeout_hours);
    if (stuck) {
      env_.result.orders_stuck = *stuck;
    } else {
      env_.ctx.logger.warn("stuck orders not counted", {{"error", stuck.error().message}});
    }
  }

 private:
  void claim_batches() {
    auto cutoff = env_.session.database_time();
    if (!cutoff) return env_.fail_run(cutoff.error());
    const SyncClaim claim{env_.scope, config_.batch_size, config_.timeout_hours,
                          config_.claim_lease, *cutoff};
    while (!env_.stopped() && !env_.result.error) {
      auto batch = env_.session.claim_sync_batch(claim);
      if (!batch) return env_.fail_run(batch.error().wrap("claim orders"));
      auto answers = query_all(*batch);
      for (std::size_t i = 0; i < batch->size(); ++i) {
        if (env_.stopped() || env_.result.error) return;
        process((*batch)[i], std::move(answers[i]));
      }
      if (static_cast<int>(batch->size()) < config_.batch_size) return;
    }
  }

  // Dry run: the same selection, read-only, page by page.
  void scan() {
    SyncScan scan{env_.scope, config_.batch_size, config_.timeout_hours, 0};
    while (!env_.stopped() && !env_.result.error) {
      auto page = env_.session.scan_sync_due(scan);
      if (!page) return env_.fail_run(page.error().wrap("select orders"));
      auto answers = query_all(*page);
      for (std::size_t i = 0; i < page->size(); ++i) {
        if (env_.stopped()) return;
        process((*page)[i], std::move(answers[i]));
      }
      if (static_cast<int>(page->size()) < scan.limit) return;
      scan.after_id = page->back().id;
    }
  }

  struct Queried {
    MonotonicTime started{};
    MonotonicTime finished{};
    Result<wechatpay::Order> answer =
        std::unexpected(Error{ErrorCode::kCancelled, "not queried: run stopping", {}, {}, {}});
  };

  // A batch's queries go out together, up to maxConcurrentRequests at once (the merchant's
  // limiter holds the rate); a query only reads, so their order does not matter. The answers
  // are then stored one by one, in claim order, on the run's one database session.
  std::vector<Queried> query_all(const std::vector<StoredOrder>& orders) {
    std::vector<Queried> out(orders.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < orders.size() && !env_.stopped(); i = next++) {
        out[i].started = env_.ctx.clock.monotonic();
        out[i].answer = env_.payment.query_order(orders[i].out_order_no, orders[i].transaction_id,
                                                 env_.ctx.stop);
        out[i].finished = env_.ctx.clock.monotonic();
      }
    };
    const auto workers = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(config_.concurrency, 1)), orders.size());
    {
      std::vector<std::jthread> helpers;
      for (std::size_t k = 1; k < workers; ++k) helpers.emplace_back(work);
      work();
    }
    return out;
  }

  void process(const StoredOrder& order, Queried queried) {
    env_.result.add(count::kSelected);
    auto& answer = queried.answer;
    env_.log_operation(kOpQueryOrder, queried.started, query_payload(env_, order),
                       answer ? nullptr : &answer.error(), answer ? answer->raw_json : "",
                       queried.finished);
    if (answer) return apply(order, *answer);
    const Error& e = answer.error();
    if (e.code == ErrorCode::kCancelled) return env_.fail_run(e);
    if (e.code == ErrorCode::kNotFound && resendable(order) && !env_.stopped()) {
      return resend(order);
    }
    record_failure(order, e);
  }

  void apply(const StoredOrder& order, const wechatpay::Order& answer) {
    const SyncChange change =
        plan_sync_change(order.order_id, order.receivers, answer, env_.ctx.clock.now());
    if (!change.unknown_state.empty()) {
      env_.ctx.logger.warn("unknown order state",
                           {{"order", order.id}, {"state", change.unknown_state}});
    }
    auto stored = store_answer(env_, order, change, answer, true);
    if (!stored) {
      env_.item_db_error(std::to_string(order.id), stored.error().wrap("store order"));
      return;
    }
    if (!*stored) {
      env_.ctx.logger.info("order changed meanwhile", {{"order", order.id}});
      return;
    }
    tally(order, change.state, change.changes_anything());
    if (env_.dry_run() && change.changes_anything()) {
      env_.would(change.finished() ? "finish order" : "update order", std::to_string(order.id));
    }
  }

  void tally(const StoredOrder& order, const std::string& state, bool changed) {
    if (changed) env_.result.add(count::kUpdated);
    if (state == kStateFinished) env_.result.add(count::kFinished);
    if (order.stuck && state == kStateProcessing) env_.result.add(count::kStuck);
    env_.result.add_metric(state);
  }

  // Only orders OrderOps created and never heard back about: WeChat Pay has no record, so the
  // create may not have arrived. A split the shop created is not ours to send.
  static bool resendable(const StoredOrder& order) {
    return (order.kind == kKindRetry || order.kind == kKindUnfreeze) && order.order_id.empty() &&
           !order.request_payload.empty();
  }

  void resend(const StoredOrder& order) {
    if (env_.dry_run()) {
      env_.would("send again order", std::to_string(order.id) + " (" + order.out_order_no + ")");
      tally(order, std::string(kStateProcessing), true);
      return;
    }
    auto answer = order.kind == kKindRetry ? resend_create(order) : resend_unfreeze(order);
    if (answer) return apply(order, *answer);
    const Error& e = answer.error();
    if (e.code == ErrorCode::kCancelled) return env_.fail_run(e);
    if (is_definitive(e)) return close(order, e);
    record_failure(order, e);
  }

  Result<wechatpay::Order> resend_create(const StoredOrder& order) {
    auto request = decode_create_payload(order.request_payload);
    if (!request) return std::unexpected(request.error());
    const auto started = env_.ctx.clock.monotonic();
    auto answer = env_.payment.create_order(*request, env_.ctx.stop);
    env_.log_operation(kOpRequestOrder, started, order.request_payload,
                       answer ? nullptr : &answer.error(), answer ? answer->raw_json : "");
    return answer;
  }

  Result<wechatpay::Order> resend_unfreeze(const StoredOrder& order) {
    auto request = decode_unfreeze_payload(order.request_payload);
    if (!request) return std::unexpected(request.error());
    const auto started = env_.ctx.clock.monotonic();
    auto answer = env_.payment.unfreeze(*request, env_.ctx.stop);
    env_.log_operation(kOpUnfreezeOrder, started, order.request_payload,
                       answer ? nullptr : &answer.error(), answer ? answer->raw_json : "");
    return answer;
  }

  void close(const StoredOrder& order, const Error& e) {
    env_.fail_item(std::to_string(order.id), e);
    auto closed = close_refused(env_, order, e);
    if (!closed) {
      env_.item_db_error(std::to_string(order.id), closed.error().wrap("close order"));
      return;
    }
    if (*closed) {
      env_.result.add(count::kUpdated);
      env_.result.add_metric(kStateClosed);
    }
  }

  void record_failure(const StoredOrder& order, const Error& e) {
    env_.fail_item(std::to_string(order.id), e);
    if (order.stuck) env_.result.add(count::kStuck);
    if (env_.dry_run()) return;
    auto r = env_.session.record_order_failure(
        OrderFailure{order.id, order.sync_attempts, e.message, sync_backoff(order.sync_attempts)});
    if (!r && is_session_fatal(r.error())) env_.fail_run(r.error());
  }

  const SyncConfig& config_;
  JobEnv& env_;
};

}  // namespace

ProfitShareRunResult run_sync_job(const SyncConfig& config, ProfitShareStore& store,
                                  PaymentApi& payment, const RunContext& ctx) {
  return run_task(api::Task::kSync, validate(config), config.merchant, store, payment, ctx,
                  [&config](JobEnv& env) { SyncRun(config, env).run(); });
}

}  // namespace orderops::profitshare
