#include "aftersales/job.h"

#include <algorithm>
#include <mutex>
#include <thread>

namespace orderops::aftersales {

namespace {

// What the workers of one run share: the maxRecordsPerRun budget, the counts, the rows that
// failed (excluded from later claims) and the first whole-batch error, which halts everyone.
class Progress {
 public:
  explicit Progress(std::int64_t cap) : capped_(cap > 0), remaining_(cap) {}

  // Rows the next batch may claim; 0 means stop.
  int reserve(int batch_size) {
    std::lock_guard lock(mu_);
    if (halted_) return 0;
    if (!capped_) return batch_size;
    const auto n = std::min<std::int64_t>(batch_size, remaining_);
    remaining_ -= n;
    return static_cast<int>(n);
  }

  void settle(int reserved, const BatchOutcome& batch) {
    std::lock_guard lock(mu_);
    if (capped_) remaining_ += reserved - batch.claimed;
    counts_.selected += batch.claimed;
    for (const auto& c : batch.applied) ++counts_.transitioned(c.from);
    for (const auto& f : batch.failed) {
      ++counts_.failed;
      failed_ids_.push_back(f.id);
    }
    if (failed_ids_.size() >= kMaxFailedRows) {
      halted_ = true;
      failure_limit_hit_ = true;
    }
  }

  void fail(int reserved, Error error) {
    std::lock_guard lock(mu_);
    if (capped_) remaining_ += reserved;
    if (!error_) error_ = std::move(error);
    halted_ = true;
  }

  bool halted() const {
    std::lock_guard lock(mu_);
    return halted_;
  }

  std::vector<std::int64_t> failed_ids() const {
    std::lock_guard lock(mu_);
    return failed_ids_;
  }

  // Moves the totals into `result` once the workers are gone.
  void drain(AftersalesRunResult& result, std::optional<Error>& error, bool& limit_hit) {
    std::lock_guard lock(mu_);
    result.counts.selected += counts_.selected;
    result.counts.approved += counts_.approved;
    result.counts.cancelled += counts_.cancelled;
    result.counts.received += counts_.received;
    result.counts.failed += counts_.failed;
    result.failed_ids = std::move(failed_ids_);
    if (error_ && !error) error = std::move(error_);
    limit_hit = failure_limit_hit_;
  }

 private:
  mutable std::mutex mu_;
  const bool capped_;
  std::int64_t remaining_;
  Counts counts_;
  std::vector<std::int64_t> failed_ids_;
  std::optional<Error> error_;
  bool halted_ = false;
  bool failure_limit_hit_ = false;
};

struct Plan {
  const AftersalesJobConfig& config;
  const RunContext& ctx;
  std::vector<TimedState> states;
  AuditInfo audit;
};

// Claims and transitions batches until a short batch, the cap, a halt or a stop request.
void work_batches(AftersalesSession& session, const Plan& plan, Progress& progress) {
  BatchRequest req;
  req.states = plan.states;
  req.audit = plan.audit;
  req.notify_channel = plan.config.notify_channel;
  while (!plan.ctx.stop.stop_requested()) {
    const int limit = progress.reserve(plan.config.batch_size);
    if (limit == 0) return;
    const auto excluded = progress.failed_ids();
    req.limit = limit;
    req.exclude_ids = excluded;
    auto batch = session.process_batch(req);
    if (!batch) {
      progress.fail(limit, batch.error());
      return;
    }
    for (const auto& f : batch->failed) {
      plan.ctx.logger.warn("row failed", {{"id", f.id}, {"error", f.message}});
    }
    plan.ctx.logger.debug("batch committed", {{"claimed", batch->claimed},
                                              {"changed", batch->applied.size()},
                                              {"failed", batch->failed.size()}});
    progress.settle(limit, *batch);
    if (batch->last) req.after = *batch->last;
    if (batch->claimed < limit) return;
  }
}

// Worker 0 uses the run's session; the others open their own. A worker that cannot connect
// (max_connections reached) leaves the work to the rest rather than failing the run.
void run_workers(AftersalesSession& main, AftersalesStore& store, const Plan& plan,
                 Progress& progress) {
  std::vector<std::jthread> workers;
  for (int i = 1; i < plan.config.parallelism; ++i) {
    workers.emplace_back([&store, &plan, &progress, i] {
      auto session = store.open_session(plan.ctx.stop);
      if (!session) {
        plan.ctx.logger.warn("worker could not connect",
                             {{"worker", i}, {"error", session.error().message}});
        return;
      }
      work_batches(**session, plan, progress);
    });
  }
  work_batches(main, plan, progress);
}

std::optional<Error> fill_deadlines(AftersalesSession& session, const Plan& plan, Counts& counts) {
  FillRequest req{plan.states, {}, plan.config.batch_size, 0};
  for (const auto& t : kTransitions) {
    req.after[static_cast<std::size_t>(t.state)] = plan.config.timeouts.of(t.state).after;
  }
  while (!plan.ctx.stop.stop_requested()) {
    auto page = session.fill_deadlines(req);
    if (!page) return page.error();
    counts.deadlines_set += page->updated;
    if (page->scanned < req.limit) break;
    req.after_id = page->last_id;
  }
  return std::nullopt;
}

std::optional<Error> dry_run(AftersalesSession& session, const Plan& plan,
                             AftersalesRunResult& result) {
  DryRunRequest req{plan.states, plan.config.batch_size, plan.config.max_records,
                    plan.config.sample_size, plan.ctx.stop};
  auto report = session.dry_run(req);
  if (!report) return report.error();
  result.counts.selected = report->selected;
  for (const auto& t : kTransitions) {
    result.counts.transitioned(t.state) = report->by_state[static_cast<std::size_t>(t.state)];
  }
  if (plan.config.timeouts.fill_missing_deadlines) {
    result.counts.deadlines_set = report->deadlines_missing;
  }
  result.samples = std::move(report->samples);
  return std::nullopt;
}

// The work of a run on its open session: a dry run, or deadline filling and then the workers.
void execute(AftersalesSession& session, AftersalesStore& store, const Plan& plan,
             AftersalesRunResult& result, bool& failure_limit_hit) {
  if (plan.states.empty()) return;
  if (plan.config.dry_run) {
    result.error = dry_run(session, plan, result);
    return;
  }
  if (plan.config.timeouts.fill_missing_deadlines) {
    result.error = fill_deadlines(session, plan, result.counts);
  }
  if (result.error || plan.ctx.stop.stop_requested()) return;
  Progress progress(plan.config.max_records);
  run_workers(session, store, plan, progress);
  progress.drain(result, result.error, failure_limit_hit);
}

// A stopped run returns at once. After a failure the backlog is still worth knowing; a broken
// session fails here at once (sessions never reconnect behind the caller's back).
void measure_backlog(AftersalesSession& session, const Plan& plan, AftersalesRunResult& result) {
  if (plan.ctx.stop.stop_requested()) return;
  auto backlog = session.measure_backlog(plan.states);
  if (backlog) {
    result.backlog = *backlog;
  } else {
    plan.ctx.logger.warn("backlog not measured", {{"error", backlog.error().message}});
  }
}

void finish(AftersalesRunResult& result, const RunContext& ctx, bool failure_limit_hit,
            MonotonicTime started) {
  result.outcome = decide_outcome(result.counts, result.error, ctx.stop.stop_requested());
  result.message = build_message(result);
  if (failure_limit_hit) {
    result.message += "; stopped after " + std::to_string(kMaxFailedRows) + " failed rows";
  }
  const auto& c = result.counts;
  ctx.logger.info("aftersales run finished",
                  {{"outcome", std::string(to_string(result.outcome))},
                   {"dryRun", result.dry_run},
                   {"selected", c.selected},
                   {"approved", c.approved},
                   {"cancelled", c.cancelled},
                   {"received", c.received},
                   {"failed", c.failed},
                   {"deadlinesSet", c.deadlines_set},
                   {"durationMs", std::chrono::duration_cast<std::chrono::milliseconds>(
                                      ctx.clock.monotonic() - started)
                                      .count()},
                   {"message", result.message}});
}

}  // namespace

AftersalesRunResult run_aftersales_job(const AftersalesJobConfig& config, AftersalesStore& store,
                                       const RunContext& ctx) {
  AftersalesRunResult result;
  result.dry_run = config.dry_run;
  bool failure_limit_hit = false;
  const auto started = ctx.clock.monotonic();
  if (auto v = validate(config); !v) {
    result.error = v.error();
    finish(result, ctx, false, started);
    return result;
  }
  const Plan plan{config, ctx, config.enabled_states(),
                  AuditInfo{ctx.run_id, ctx.policy_namespace, ctx.policy_name}};
  ctx.logger.info("aftersales run started", {{"dryRun", config.dry_run},
                                             {"batchSize", config.batch_size},
                                             {"parallelism", config.parallelism}});
  auto session = store.open_session(ctx.stop);
  if (!session) {
    result.error = session.error();
    finish(result, ctx, false, started);
    return result;
  }
  execute(**session, store, plan, result, failure_limit_hit);
  measure_backlog(**session, plan, result);
  finish(result, ctx, failure_limit_hit, started);
  return result;
}

}  // namespace orderops::aftersales
