#include "runtime/workqueue.h"

namespace orderops::runtime {
namespace {

// client-go's delaying queue wakes at least this often, so nothing can get stuck.
constexpr Duration kHeartbeat = std::chrono::seconds(10);

}  // namespace

WorkQueue::WorkQueue(const Clock& clock, std::unique_ptr<RateLimiter> limiter,
                     std::function<void(std::size_t)> depth_observer)
    : clock_(clock), limiter_(std::move(limiter)), depth_observer_(std::move(depth_observer)) {
  delay_thread_ = std::jthread([this](std::stop_token stop) { delay_loop(stop); });
}

WorkQueue::~WorkQueue() {
  delay_thread_.request_stop();
  {
    std::lock_guard lock(mu_);
    wake_.request_stop();
  }
  delay_thread_.join();
}

void WorkQueue::observe_depth_locked() const {
  if (depth_observer_) depth_observer_(queue_.size());
}

void WorkQueue::add_locked(const std::string& key) {
  if (shutting_down_ || dirty_.contains(key)) return;
  dirty_.insert(key);
  if (processing_.contains(key)) return;  // queued again by done()
  queue_.push_back(key);
  observe_depth_locked();
  cv_.notify_one();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mu_);
  add_locked(key);
}

void WorkQueue::add_after(const std::string& key, Duration d) {
  if (d <= Duration::zero()) {
    add(key);
    return;
  }
  std::lock_guard lock(mu_);
  if (shutting_down_) return;
  const MonotonicTime ready = clock_.monotonic() + d;
  if (const auto it = waiting_at_.find(key); it != waiting_at_.end()) {
    if (it->second <= ready) return;  // the earlier time wins
    waiting_.erase({it->second, key});
  }
  const bool earliest = waiting_.empty() || ready < waiting_.begin()->first;
  waiting_.insert({ready, key});
  waiting_at_[key] = ready;
  if (earliest) wake_.request_stop();
}

void WorkQueue::add_rate_limited(const std::string& key) { add_after(key, limiter_->when(key)); }

void WorkQueue::forget(const std::string& key) { limiter_->forget(key); }

int WorkQueue::num_requeues(const std::string& key) const { return limiter_->num_requeues(key); }

void WorkQueue::promote_due_locked(MonotonicTime now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    const std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    waiting_at_.erase(key);
    add_locked(key);
  }
}

std::optional<std::string> WorkQueue::pop_locked() {
  promote_due_locked(clock_.monotonic());
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  observe_depth_locked();
  return key;
}

std::optional<std::string> WorkQueue::get(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (true) {
    if (auto key = pop_locked()) return key;
    if (shutting_down_ || stop.stop_requested()) return std::nullopt;
    cv_.wait(lock, stop, [this] { return !queue_.empty() || shutting_down_; });
  }
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mu_);
  return pop_locked();
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  processing_.erase(key);
  if (dirty_.contains(key) && !shutting_down_) {
    queue_.push_back(key);
    observe_depth_locked();
    cv_.notify_one();
  }
}

void WorkQueue::shut_down() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

std::size_t WorkQueue::len() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::size_t WorkQueue::delayed() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

bool WorkQueue::is_processing(const std::string& key) const {
  std::lock_guard lock(mu_);
  return processing_.contains(key);
}

void WorkQueue::delay_loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    MonotonicTime until;
    std::stop_token wake;
    {
      std::lock_guard lock(mu_);
      promote_due_locked(clock_.monotonic());
      until = waiting_.empty() ? clock_.monotonic() + kHeartbeat : waiting_.begin()->first;
      wake = wake_.get_token();
    }
    clock_.sleep_until(until, wake);
    std::lock_guard lock(mu_);
    if (wake_.stop_requested() && !stop.stop_requested()) wake_ = std::stop_source();
  }
}

}  // namespace orderops::runtime
