// The informer's cache of one resource type: immutable shared snapshots, one writer, many
// readers, atomic relist swap. Store is thread-safe; StoreWriter is used by one thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "kube/object.h"

namespace orderops::runtime {

class StoreWriter;

// The informer's cache: objects of one resource type by key, as immutable shared snapshots.
// Exactly one StoreWriter (the informer's watch thread) changes it; any number of threads read
// it through Store. A relist swaps in the whole new map at once, so a reader never sees half of
// one. The cache may lag the API server: reconcilers treat it as possibly stale, and writes are
// guarded by resourceVersion. Store is thread-safe.
class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // nullptr when the object is not cached.
  kube::ObjectPtr get(const kube::ObjectKey& key) const;
  std::vector<kube::ObjectPtr> list() const;
  // Objects of one namespace.
  std::vector<kube::ObjectPtr> list(std::string_view ns) const;
  std::vector<kube::ObjectKey> keys() const;
  std::size_t size() const;
  // True once a complete list has been applied.
  bool synced() const;

 private:
  friend class StoreWriter;
  using Map = std::map<kube::ObjectKey, kube::ObjectPtr>;

  mutable std::shared_mutex mu_;
  Map objects_;
  bool synced_ = false;
};

// The single writer of a Store. Not thread-safe: used only by the informer's watch thread.
class StoreWriter {
 public:
  explicit StoreWriter(Store& store) : store_(store) {}

  // Inserts or replaces; returns the previous version (nullptr when new).
  kube::ObjectPtr apply(kube::ObjectPtr object);
  // Removes; returns what was cached (nullptr when it was not).
  kube::ObjectPtr remove(const kube::Json& object);
  struct Replaced {
    std::vector<std::pair<kube::ObjectPtr, kube::ObjectPtr>> upserted;  // {old or nullptr, new}
    std::vector<kube::ObjectPtr> removed;  // cached objects missing from the new list
  };
  // Atomically replaces the whole content (a relist) and marks the store synced.
  Replaced replace(std::vector<kube::ObjectPtr> objects);

 private:
  Store& store_;
};

}  // namespace orderops::runtime
