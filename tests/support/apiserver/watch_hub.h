// Live watch fan-out. The store offers every committed event to every registered Watcher while it
// holds its lock, so a watcher registered in the same critical section as its initial snapshot
// never misses or duplicates an event. Each Watcher queues its own events and applies the
// apiserver watch-cache rules: an object that starts matching the selector is ADDED, one that
// stops matching is DELETED (previous content, the event's resourceVersion). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace orderops::apiserver {

enum class EventType { kAdded, kModified, kDeleted };

// One committed change. For kDeleted, `object` is the final state carrying the delete's RV.
struct StoredEvent {
  std::uint64_t rv = 0;
  EventType type = EventType::kAdded;
  std::string storage_key;
  std::shared_ptr<const nlohmann::json> object;
  std::shared_ptr<const nlohmann::json> prev;  // null for kAdded
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED
  nlohmann::json object;
};

// How a watch is ended from outside (admin fault injection or shutdown).
enum class WatchClose { kClean, kAbort, kExpired };

class Watcher {
 public:
  using Matcher = std::function<bool(const nlohmann::json&)>;
  Watcher(std::string storage_key, std::string ns, Matcher matches, std::uint64_t start_rv);

  // Called by the store (under its lock) for every committed event, matching or not.
  void offer(const StoredEvent& event);
  // Queues an event directly (initial ADDED events and history replay).
  void push(WatchEvent event);
  // Waits until an event is queued, the watcher is closed, or `deadline` passes.
  std::optional<WatchEvent> next(std::chrono::steady_clock::time_point deadline);
  void close(WatchClose how);
  std::optional<WatchClose> closed() const;
  // The newest resourceVersion whose events this watcher has been offered (for bookmarks);
  // only meaningful once its queue is empty.
  std::uint64_t seen_rv() const;
  bool queue_empty() const;

  // The apiserver's watch-cache transition rules for one event, or nothing when neither the old
  // nor the new state matches.
  static std::optional<WatchEvent> transition(const StoredEvent& event, const Matcher& matches);

 private:
  const std::string storage_key_;
  const std::string ns_;
  const Matcher matches_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WatchEvent> queue_;
  std::uint64_t seen_rv_;
  std::optional<WatchClose> closed_;
};

class WatchHub {
 public:
  void add(const std::shared_ptr<Watcher>& watcher);
  void remove(const Watcher* watcher);
  void dispatch(const StoredEvent& event);
  // Ends every live watch; returns how many were ended.
  size_t close_all(WatchClose how);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
};

}  // namespace orderops::apiserver
