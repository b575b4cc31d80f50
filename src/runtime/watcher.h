// The list-then-watch loop of client-go's Reflector as an explicit state machine, one
// transition per step(), so tests drive it with a scripted API and a FakeClock.
// Not thread-safe: one thread drives a Watcher.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/log.h"
#include "kube/client.h"
#include "runtime/backoff_manager.h"

namespace orderops::runtime {

struct WatcherConfig {
  std::int64_t page_size = 500;
  // The watch's timeoutSeconds is drawn from [min, 2*min) (client-go minWatchTimeout).
  Duration min_watch_timeout = std::chrono::minutes(5);
  BackoffPolicy backoff = kReflectorBackoff;
  Duration backoff_reset = kReflectorBackoffReset;
  std::string label_selector;
  std::string field_selector;
  std::uint64_t seed = 1;
};

enum class WatcherPhase { kList, kWatchStart, kWatching, kBackoff };
std::string_view to_string(WatcherPhase phase);

struct WatcherEvent {
  enum class Kind { kNone, kRestarted, kApplied, kDeleted };
  Kind kind = Kind::kNone;
  // kRestarted: every object of the new list; kApplied / kDeleted: the one object.
  std::vector<kube::ObjectPtr> objects;
};

// The list-then-watch loop of client-go's Reflector as an explicit state machine. Each step()
// performs one transition (one list page, one watch open, one watch event, or the end of a
// backoff) and reports what changed, so tests drive it with a scripted API and a FakeClock.
//   kList: LIST with resourceVersion "0" and limit 500 first, following continue tokens; a relist
//     asks "not older than" the last RV (falling back to "" after a 410); the pages are delivered
//     together as one kRestarted event (the store swaps them in atomically).
//   kWatchStart: WATCH from the last RV with allowWatchBookmarks and a random 300-600 s timeout.
//   kWatching: events update the last RV (bookmarks included); a clean end re-watches without
//     relisting; an ERROR event, a 410 or a very short empty watch (< 1 s) relists after backoff;
//     429 or a refused connection retries the watch after backoff.
//   kBackoff: waits (800 ms .. 30 s, jitter 1.0, reset after 2 min) before the next list or watch.
// Not thread-safe: one thread drives a Watcher.
class Watcher {
 public:
  Watcher(kube::Client& client, kube::ResourceType type, std::string ns, WatcherConfig config,
          const Clock& clock, Logger log);

  // One transition; may block on one request or one watch event, never on a backoff (in kBackoff
  // before its deadline it returns kNone at once).
  WatcherEvent step(std::stop_token stop);
  // step() until stop, sleeping out backoffs on the clock and passing events to `sink`.
  void run(const std::function<void(WatcherEvent&&)>& sink, std::stop_token stop);

  WatcherPhase phase() const { return phase_; }
  // The deadline of the current backoff (phase kBackoff).
  MonotonicTime backoff_until() const { return backoff_until_; }
  // The phase after the backoff: kList (relist) or kWatchStart (retry the watch).
  WatcherPhase after_backoff() const { return after_backoff_; }
  const std::string& last_sync_resource_version() const { return last_sync_rv_; }

 private:
  WatcherEvent step_list(std::stop_token stop);
  WatcherEvent step_watch_start(std::stop_token stop);
  WatcherEvent step_watching(std::stop_token stop);
  void begin_list();
  void enter_backoff(WatcherPhase next);
  void handle_list_error(const Error& error);
  void end_watch();
  std::int64_t watch_timeout_seconds();

  kube::Client& client_;
  const kube::ResourceType type_;
  const std::string ns_;
  const WatcherConfig config_;
  const Clock& clock_;
  Logger log_;
  BackoffManager backoff_;
  std::mt19937_64 random_;

  WatcherPhase phase_ = WatcherPhase::kList;
  WatcherPhase after_backoff_ = WatcherPhase::kList;
  MonotonicTime backoff_until_{};
  std::string last_sync_rv_;
  bool rv_unavailable_ = false;    // the last RV was compacted away: list from "" (quorum)
  bool paginated_result_ = false;  // the server honoured limit once: keep paging relists
  // The list in progress.
  std::string list_rv_ = "0";
  std::int64_t list_limit_ = 0;
  std::string continue_;
  std::vector<kube::ObjectPtr> pages_;
  // The watch in progress.
  std::optional<kube::WatchStream> stream_;
  MonotonicTime watch_started_{};
  int watch_events_ = 0;
};

}  // namespace orderops::runtime
