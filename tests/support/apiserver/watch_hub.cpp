#include "apiserver/watch_hub.h"

#include <algorithm>

namespace orderops::apiserver {

namespace {
// A client that stops reading would otherwise grow its queue without bound; the real server
// also terminates watchers that fall too far behind.
constexpr size_t kMaxQueuedEvents = 100000;
}  // namespace

Watcher::Watcher(std::string storage_key, std::string ns, Matcher matches, std::uint64_t start_rv)
    : storage_key_(std::move(storage_key)),
      ns_(std::move(ns)),
      matches_(std::move(matches)),
      seen_rv_(start_rv) {}

std::optional<WatchEvent> Watcher::transition(const StoredEvent& event, const Matcher& matches) {
  const bool cur = event.type != EventType::kDeleted && matches(*event.object);
  const bool old = event.prev && matches(*event.prev);
  if (event.type == EventType::kDeleted) {
    if (!old) return std::nullopt;
    return WatchEvent{"DELETED", *event.object};
  }
  if (cur && !old) return WatchEvent{"ADDED", *event.object};
  if (cur && old) return WatchEvent{"MODIFIED", *event.object};
  if (!cur && old) {
    nlohmann::json gone = *event.prev;
    gone["metadata"]["resourceVersion"] = std::to_string(event.rv);
    return WatchEvent{"DELETED", std::move(gone)};
  }
  return std::nullopt;
}

void Watcher::offer(const StoredEvent& event) {
  std::optional<WatchEvent> out;
  if (event.storage_key == storage_key_) {
    const auto& meta = (*event.object)["metadata"];
    if (ns_.empty() || meta.value("namespace", "") == ns_) out = transition(event, matches_);
  }
  std::lock_guard lock(mu_);
  seen_rv_ = event.rv;
  if (!out || closed_) return;
  if (queue_.size() >= kMaxQueuedEvents) {
    closed_ = WatchClose::kClean;
  } else {
    queue_.push_back(std::move(*out));
  }
  cv_.notify_all();
}

void Watcher::push(WatchEvent event) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(event));
  cv_.notify_all();
}

std::optional<WatchEvent> Watcher::next(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return !queue_.empty() || closed_.has_value(); });
  // A closed watcher still drains what it already queued, except when aborted.
  if (queue_.empty() || closed_ == WatchClose::kAbort) return std::nullopt;
  WatchEvent e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

void Watcher::close(WatchClose how) {
  std::lock_guard lock(mu_);
  if (!closed_) closed_ = how;
  cv_.notify_all();
}

std::optional<WatchClose> Watcher::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::uint64_t Watcher::seen_rv() const {
  std::lock_guard lock(mu_);
  return seen_rv_;
}

bool Watcher::queue_empty() const {
  std::lock_guard lock(mu_);
  return queue_.empty();
}

void WatchHub::add(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard lock(mu_);
  watchers_.push_back(watcher);
}

void WatchHub::remove(const Watcher* watcher) {
  std::lock_guard lock(mu_);
  std::erase_if(watchers_, [&](const auto& w) { return w.get() == watcher; });
}

void WatchHub::dispatch(const StoredEvent& event) {
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) w->offer(event);
}

size_t WatchHub::close_all(WatchClose how) {
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) w->close(how);
  return watchers_.size();
}

size_t WatchHub::size() const {
  std::lock_guard lock(mu_);
  return watchers_.size();
}

}  // namespace orderops::apiserver
