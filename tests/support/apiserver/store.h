// The in-memory object store: every object of every resource, one global resourceVersion counter
// (decimal, as etcd's revision), and a bounded history of committed events for watch resume,
// consistent paging (continue) and resourceVersionMatch=Exact. All access goes through a Txn,
// which holds the store's single mutex for one whole API operation, so read-modify-write is
// atomic. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/watch_hub.h"

namespace orderops::apiserver {

class Store {
 public:
  Store(WatchHub& hub, size_t history_limit);

  class Txn {
   public:
    const nlohmann::json* get(const std::string& key, const std::string& ns,
                              const std::string& name) const;
    // Objects of one resource, ordered by namespace then name ("" namespace = all).
    std::vector<const nlohmann::json*> list(const std::string& key, const std::string& ns) const;
    std::uint64_t current_rv() const;
    // Writes assign the next resourceVersion, record history and notify watchers.
    nlohmann::json create(const std::string& key, nlohmann::json obj);
    nlohmann::json update(const std::string& key, nlohmann::json obj);
    // `final_state`, when given, is what watchers see in the DELETED event (an update that
    // removed the last finalizer); otherwise the stored object.
    nlohmann::json remove(const std::string& key, const std::string& ns, const std::string& name,
                          const nlohmann::json* final_state = nullptr);
    // The objects of one resource as they were at `rv`, or nothing when the history no longer
    // reaches back that far.
    std::optional<std::vector<nlohmann::json>> objects_at(const std::string& key,
                                                          const std::string& ns,
                                                          std::uint64_t rv) const;
    // Every event with rv > from (for watch resume); nothing when `from` is too old.
    std::optional<std::vector<StoredEvent>> events_after(std::uint64_t from) const;
    // Oldest resourceVersion a watch may still resume from.
    std::uint64_t history_floor() const;
    // Forgets history up to `rv` (0 = everything so far).
    void compact(std::uint64_t rv);

   private:
    friend class Store;
    explicit Txn(Store& store) : s_(store), lock_(store.mu_) {}
    Store& s_;
    std::unique_lock<std::mutex> lock_;
  };

  Txn begin() { return Txn(*this); }
  WatchHub& hub() { return hub_; }

  static std::string object_key(const std::string& ns, const std::string& name) {
    return ns + "/" + name;
  }

 private:
  nlohmann::json commit(EventType type, const std::string& key, nlohmann::json obj,
                        const nlohmann::json* prev);

  WatchHub& hub_;
  const size_t history_limit_;
  std::mutex mu_;
  std::uint64_t rv_ = 0;
  std::uint64_t floor_ = 0;
  std::map<std::string, std::map<std::string, nlohmann::json>> objects_;
  std::deque<StoredEvent> history_;
};

}  // namespace orderops::apiserver
