// The controller's work queue (client-go workqueue: dedup, delaying, rate limiting) with
// delays measured on the injected Clock. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.h"
#include "runtime/rate_limiter.h"

namespace orderops::runtime {

// The controller's work queue (client-go workqueue: queue + delaying + rate limiting).
// Dedup: a key is queued at most once (`dirty`); a key being processed is not handed to a second
// worker (`processing`) and, if added meanwhile, is queued again once done() is called. Delayed
// adds keep the earliest ready time per key. Delays are measured on the injected Clock; readiness
// is checked whenever the queue is read, and a helper thread wakes blocked readers when the
// earliest delayed key comes due. Thread-safe.
class WorkQueue {
 public:
  // `depth_observer` (optional) is told the number of ready keys after every change.
  WorkQueue(const Clock& clock, std::unique_ptr<RateLimiter> limiter,
            std::function<void(std::size_t)> depth_observer = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  // d <= 0 is add(); otherwise the key becomes ready after d (an earlier pending time wins).
  void add_after(const std::string& key, Duration d);
  // add_after(key, limiter.when(key)).
  void add_rate_limited(const std::string& key);
  // Resets the key's failure count (not its pending delayed add).
  void forget(const std::string& key);
  int num_requeues(const std::string& key) const;

  // Blocks until a key is ready; nullopt on shut_down() or `stop`. The caller must call done().
  std::optional<std::string> get(std::stop_token stop);
  // A ready key, or nullopt at once.
  std::optional<std::string> try_get();
  void done(const std::string& key);
  // Wakes every reader; get() then returns nullopt once nothing is ready.
  void shut_down();

  std::size_t len() const;      // ready keys
  std::size_t delayed() const;  // keys waiting for their time
  bool is_processing(const std::string& key) const;

 private:
  void add_locked(const std::string& key);
  void promote_due_locked(MonotonicTime now);
  std::optional<std::string> pop_locked();
  void observe_depth_locked() const;
  void delay_loop(std::stop_token stop);

  const Clock& clock_;
  std::unique_ptr<RateLimiter> limiter_;
  std::function<void(std::size_t)> depth_observer_;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::set<std::pair<MonotonicTime, std::string>> waiting_;    // ordered by ready time
  std::unordered_map<std::string, MonotonicTime> waiting_at_;  // key -> its ready time
  bool shutting_down_ = false;
  std::stop_source wake_;  // interrupts the delay thread's sleep when an earlier key arrives
  std::jthread delay_thread_;
};

}  // namespace orderops::runtime
