#include "runs/run_pool.h"

#include <algorithm>
#include <exception>

namespace orderops::runs {
namespace {

// The watchdog re-checks at least this often even with no deadline pending, so a missed wake-up
// can never leave a run unbounded for long.
constexpr Duration kWatchdogIdle = std::chrono::seconds(30);

}  // namespace

RunPool::RunPool(const Clock& clock, std::size_t max_concurrent) : clock_(clock) {
  const std::size_t n = std::max<std::size_t>(1, max_concurrent);
  for (std::size_t i = 0; i < n; ++i) {
    workers_.emplace_back([this](std::stop_token stop) { worker_loop(stop); });
  }
  watchdog_ = std::jthread([this](std::stop_token stop) { watchdog_loop(stop); });
}

RunPool::~RunPool() {
  cancel_all(CancelReason::kShutdown);
  for (auto& w : workers_) w.request_stop();
  {
    std::lock_guard lock(mu_);
    changed_.notify_all();
  }
  workers_.clear();  // joins; each worker finishes its current run first
  watchdog_.request_stop();
}

bool RunPool::submit(RunRequest request) {
  std::lock_guard lock(mu_);
  if (runs_.contains(request.record.run_id)) return false;
  auto run = std::make_shared<Run>();
  run->request = std::move(request);
  run->request.record.start_time = clock_.now();
  runs_.emplace(run->request.record.run_id, run);
  queue_.push_back(run);
  changed_.notify_all();
  return true;
}

void RunPool::cancel_locked(const RunPtr& run, CancelReason reason) {
  if (run->reason == CancelReason::kNone) run->reason = reason;
  run->stop.request_stop();
}

void RunPool::cancel(const std::string& run_id, CancelReason reason) {
  std::lock_guard lock(mu_);
  if (auto it = runs_.find(run_id); it != runs_.end()) cancel_locked(it->second, reason);
  changed_.notify_all();
}

void RunPool::cancel_owner(const std::string& owner, CancelReason reason) {
  std::lock_guard lock(mu_);
  for (auto& [id, run] : runs_) {
    if (run->request.owner == owner) cancel_locked(run, reason);
  }
  changed_.notify_all();
}

void RunPool::cancel_all(CancelReason reason) {
  std::lock_guard lock(mu_);
  for (auto& [id, run] : runs_) cancel_locked(run, reason);
  changed_.notify_all();
}

bool RunPool::wait_idle(std::stop_token stop) const {
  std::unique_lock lock(mu_);
  return changed_.wait(lock, stop, [&] { return runs_.empty(); });
}

std::vector<api::ActiveRun> RunPool::active(const std::string& owner) const {
  std::lock_guard lock(mu_);
  std::vector<api::ActiveRun> out;
  for (const auto& [id, run] : runs_) {
    const RunRecord& r = run->request.record;
    if (run->request.owner == owner) out.push_back({r.run_id, r.scheduled_time, r.start_time});
  }
  std::sort(out.begin(), out.end(), [](const api::ActiveRun& a, const api::ActiveRun& b) {
    return a.start_time < b.start_time;
  });
  return out;
}

std::size_t RunPool::active_count() const {
  std::lock_guard lock(mu_);
  return runs_.size() - queue_.size();
}

std::size_t RunPool::queued_count() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void RunPool::wake_watchdog_locked() {
  watchdog_wake_.request_stop();
  watchdog_wake_ = std::stop_source();
}

void RunPool::worker_loop(std::stop_token stop) {
  while (true) {
    RunPtr run;
    {
      std::unique_lock lock(mu_);
      if (!changed_.wait(lock, stop, [&] { return !queue_.empty(); })) return;
      run = queue_.front();
      queue_.pop_front();
      if (!run->stop.stop_requested()) {
        run->started = true;
        run->request.record.start_time = clock_.now();
        run->deadline = clock_.monotonic() + run->request.active_deadline;
        wake_watchdog_locked();
      }
    }
    if (run->started) {
      execute(run);
    } else {
      // Cancelled while queued: it never ran, but its owner still learns how it ended.
      run->request.record.start_time = clock_.now();
      finish(run, JobResult{Outcome::kCancelled, "cancelled before it started", {}});
    }
  }
}

void RunPool::execute(const RunPtr& run) {
  RunContext ctx{run->request.record.run_id, run->stop.get_token()};
  JobResult result;
  try {
    result = run->request.work(ctx);
  } catch (const std::exception& e) {
    // Jobs return Result-style outcomes; an exception here is a bug, recorded rather than fatal.
    result = JobResult{Outcome::kFailed, std::string("internal error: ") + e.what(), {}};
  } catch (...) {
    result = JobResult{Outcome::kFailed, "internal error", {}};
  }
  finish(run, std::move(result));
}

void RunPool::finish(const RunPtr& run, JobResult result) {
  CancelReason reason;
  {
    std::lock_guard lock(mu_);
    reason = run->reason;
  }
  RunRecord record = run->request.record;
  record.completion_time = clock_.now();
  record.counts = std::move(result.counts);
  record.outcome = result.outcome;
  record.message = std::move(result.message);
  // A job that stopped because it was asked to reports Cancelled (or Failed when a cancelled query
  // surfaced as an error); the pool knows why it was asked and records that instead. A job that
  // completed its work anyway keeps its own outcome.
  const bool completed =
      result.outcome == Outcome::kSucceeded || result.outcome == Outcome::kPartiallyFailed;
  if (reason != CancelReason::kNone && !completed) {
    record.outcome =
        reason == CancelReason::kDeadline ? Outcome::kDeadlineExceeded : Outcome::kCancelled;
    std::string why(to_string(reason));
    record.message = record.message.empty() ? why : why + "; " + record.message;
  }
  if (run->request.on_finished) run->request.on_finished(record);
  {
    std::lock_guard lock(mu_);
    runs_.erase(record.run_id);
    changed_.notify_all();
  }
  if (run->request.on_removed) run->request.on_removed();
}

void RunPool::watchdog_loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::stop_source wake;
    MonotonicTime next = clock_.monotonic() + kWatchdogIdle;
    {
      std::lock_guard lock(mu_);
      const MonotonicTime now = clock_.monotonic();
      for (auto& [id, run] : runs_) {
        // A zero deadline means none (the CLI's one-shot runs).
        if (!run->started || run->stop.stop_requested() ||
            run->request.active_deadline <= Duration{0}) {
          continue;
        }
        if (run->deadline <= now) {
          cancel_locked(run, CancelReason::kDeadline);
        } else {
          next = std::min(next, run->deadline);
        }
      }
      wake = watchdog_wake_;
    }
    std::stop_callback forward(stop, [wake]() mutable { wake.request_stop(); });
    clock_.sleep_until(next, wake.get_token());
  }
}

}  // namespace orderops::runs
