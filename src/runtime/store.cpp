#include "runtime/store.h"

#include <mutex>

namespace orderops::runtime {

kube::ObjectPtr Store::get(const kube::ObjectKey& key) const {
  std::shared_lock lock(mu_);
  const auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<kube::ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<kube::ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, obj] : objects_) out.push_back(obj);
  return out;
}

std::vector<kube::ObjectPtr> Store::list(std::string_view ns) const {
  std::shared_lock lock(mu_);
  std::vector<kube::ObjectPtr> out;
  for (auto it = objects_.lower_bound(kube::ObjectKey{std::string(ns), ""});
       it != objects_.end() && it->first.ns == ns; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<kube::ObjectKey> Store::keys() const {
  std::shared_lock lock(mu_);
  std::vector<kube::ObjectKey> out;
  out.reserve(objects_.size());
  for (const auto& [key, obj] : objects_) out.push_back(key);
  return out;
}

std::size_t Store::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

bool Store::synced() const {
  std::shared_lock lock(mu_);
  return synced_;
}

kube::ObjectPtr StoreWriter::apply(kube::ObjectPtr object) {
  const kube::ObjectKey key = kube::key_of(*object);
  std::unique_lock lock(store_.mu_);
  auto& slot = store_.objects_[key];
  kube::ObjectPtr old = std::move(slot);
  slot = std::move(object);
  return old;
}

kube::ObjectPtr StoreWriter::remove(const kube::Json& object) {
  const kube::ObjectKey key = kube::key_of(object);
  std::unique_lock lock(store_.mu_);
  const auto it = store_.objects_.find(key);
  if (it == store_.objects_.end()) return nullptr;
  kube::ObjectPtr old = std::move(it->second);
  store_.objects_.erase(it);
  return old;
}

StoreWriter::Replaced StoreWriter::replace(std::vector<kube::ObjectPtr> objects) {
  Store::Map fresh;
  for (auto& obj : objects) {
    kube::ObjectKey key = kube::key_of(*obj);
    fresh.insert_or_assign(std::move(key), std::move(obj));
  }
  // The writer is the only mutator, so it may read the current map without the lock; only the
  // swap itself happens under it.
  Replaced out;
  const Store::Map& current = store_.objects_;
  for (const auto& [key, obj] : fresh) {
    const auto it = current.find(key);
    out.upserted.emplace_back(it == current.end() ? nullptr : it->second, obj);
  }
  for (const auto& [key, obj] : current) {
    if (!fresh.contains(key)) out.removed.push_back(obj);
  }
  std::unique_lock lock(store_.mu_);
  store_.objects_.swap(fresh);
  store_.synced_ = true;
  return out;
}

}  // namespace orderops::runtime
