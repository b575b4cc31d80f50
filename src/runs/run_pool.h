// Executes job runs inside the leader process on a bounded set of workers (api.md section 3,
// --max-concurrent-runs). Runs wait in FIFO order for a free worker; each run gets a stop_token
// that fires on its activeDeadlineSeconds (measured from its start on the injected Clock), on
// cancel() (Replace, deletion) or on cancel_all() (lost leadership, shutdown). The job checks the
// token between batches and API calls. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "runs/run_record.h"

namespace orderops::runs {

struct RunContext {
  std::string run_id;
  std::stop_token stop;
};

struct RunRequest {
  // run_id, trigger, scheduled_time and dry_run are taken from here; the pool fills the rest.
  RunRecord record;
  // Groups runs of one resource task ("<namespace>/<name>/<task>") for cancel_owner/active.
  std::string owner;
  Duration active_deadline{};
  std::function<JobResult(const RunContext&)> work;
  // Called exactly once, on a pool thread, with the finished record (also for runs cancelled
  // while still queued), while active() still lists the run. Must not block for long.
  std::function<void(const RunRecord&)> on_finished;
  // Called right after, once active() no longer lists the run: the place to requeue its owner,
  // so the next look sees the run finished (recorded by on_finished) and not still active.
  std::function<void()> on_removed;
};

class RunPool {
 public:
  RunPool(const Clock& clock, std::size_t max_concurrent);
  // Cancels every queued and active run (kShutdown) and waits for them to finish.
  ~RunPool();
  RunPool(const RunPool&) = delete;
  RunPool& operator=(const RunPool&) = delete;

  // Queues a run. False when a run with the same run_id is queued or active: run IDs derive from
  // the slot, so this is the in-process guard against starting one slot twice.
  bool submit(RunRequest request);
  void cancel(const std::string& run_id, CancelReason reason);
  void cancel_owner(const std::string& owner, CancelReason reason);
  void cancel_all(CancelReason reason);
  // Blocks until nothing is queued or active, or `stop` fires. True when idle.
  bool wait_idle(std::stop_token stop) const;

  // The queued and active runs of `owner`, oldest first (a queued run's start_time is when it
  // was submitted).
  std::vector<api::ActiveRun> active(const std::string& owner) const;
  std::size_t active_count() const;
  std::size_t queued_count() const;

 private:
  struct Run {
    RunRequest request;
    std::stop_source stop;
    CancelReason reason = CancelReason::kNone;
    bool started = false;
    MonotonicTime deadline{};
  };
  using RunPtr = std::shared_ptr<Run>;

  void worker_loop(std::stop_token stop);
  void watchdog_loop(std::stop_token stop);
  void execute(const RunPtr& run);
  void finish(const RunPtr& run, JobResult result);
  void cancel_locked(const RunPtr& run, CancelReason reason);
  void wake_watchdog_locked();

  const Clock& clock_;
  mutable std::mutex mu_;
  mutable std::condition_variable_any changed_;
  std::deque<RunPtr> queue_;                         // guarded by mu_
  std::map<std::string, RunPtr, std::less<>> runs_;  // queued + active, by run_id; guarded by mu_
  std::stop_source watchdog_wake_;                   // guarded by mu_
  std::vector<std::jthread> workers_;
  std::jthread watchdog_;
};

}  // namespace orderops::runs
