// An informer: a Watcher feeding a Store on its own thread and telling event handlers about
// every change. Thread-safe; handlers run on the informer's threads.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "kube/client.h"
#include "runtime/store.h"
#include "runtime/watcher.h"

namespace orderops::runtime {

enum class InformerEventType { kAdd, kUpdate, kDelete };

struct InformerEvent {
  InformerEventType type = InformerEventType::kAdd;
  kube::ObjectPtr object;            // the new state (kDelete: the last known state)
  kube::ObjectPtr old_object;        // kUpdate: the previous state
  bool final_state_unknown = false;  // kDelete noticed by a relist, not by a watch event
};

using EventHandler = std::function<void(const InformerEvent&)>;

struct InformerConfig {
  WatcherConfig watcher;
  Duration resync_period{};  // zero: no resync
};

// An informer: a Watcher feeding a Store on its own thread, and event handlers told about every
// change (typically to enqueue keys). After a relist, cached objects missing from the new list
// are delivered as deletes with final_state_unknown (client-go's DeletedFinalStateUnknown), and
// the rest as updates. An optional resync re-delivers every cached object as an update with
// old == new (controller-runtime: 10 h x [0.9, 1.1)). Thread-safe; handlers run on the informer's
// threads and must be quick and thread-safe.
class Informer {
 public:
  Informer(kube::Client& client, kube::ResourceType type, std::string ns, const Clock& clock,
           Logger log, InformerConfig config = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  const kube::ResourceType& type() const { return type_; }
  const std::string& ns() const { return ns_; }
  const Store& store() const { return store_; }

  // Handlers must be added before start().
  void add_handler(EventHandler handler);
  void start();
  // Stops the threads and waits for them. Idempotent.
  void stop();
  bool has_synced() const { return store_.synced(); }
  // Blocks until the first list is in the cache; false when `stop` came first.
  bool wait_for_sync(std::stop_token stop) const;

 private:
  void deliver(WatcherEvent&& event);
  void notify(const InformerEvent& event) const;
  void resync_loop(std::stop_token stop);

  const kube::ResourceType type_;
  const std::string ns_;
  const Clock& clock_;
  Logger log_;
  const InformerConfig config_;
  Store store_;
  StoreWriter writer_;
  Watcher watcher_;
  std::vector<EventHandler> handlers_;
  mutable std::mutex sync_mu_;
  mutable std::condition_variable_any sync_cv_;
  std::jthread watch_thread_;
  std::jthread resync_thread_;
};

}  // namespace orderops::runtime
