#include "apiserver/store.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {
std::string ns_of(const json& obj) { return obj["metadata"].value("namespace", ""); }
std::string name_of(const json& obj) { return obj["metadata"].value("name", ""); }
}  // namespace

Store::Store(WatchHub& hub, size_t history_limit)
    : hub_(hub), history_limit_(history_limit == 0 ? 1 : history_limit) {}

json Store::commit(EventType type, const std::string& key, json obj, const json* prev) {
  ++rv_;
  obj["metadata"]["resourceVersion"] = std::to_string(rv_);
  StoredEvent ev{rv_, type, key, std::make_shared<const json>(obj),
                 prev ? std::make_shared<const json>(*prev) : nullptr};
  auto& bucket = objects_[key];
  const std::string k = object_key(ns_of(obj), name_of(obj));
  if (type == EventType::kDeleted) {
    bucket.erase(k);
  } else {
    bucket[k] = obj;
  }
  history_.push_back(ev);
  while (history_.size() > history_limit_) {
    floor_ = history_.front().rv;
    history_.pop_front();
  }
  hub_.dispatch(ev);
  return obj;
}

const json* Store::Txn::get(const std::string& key, const std::string& ns,
                            const std::string& name) const {
  const auto b = s_.objects_.find(key);
  if (b == s_.objects_.end()) return nullptr;
  const auto it = b->second.find(object_key(ns, name));
  return it == b->second.end() ? nullptr : &it->second;
}

std::vector<const json*> Store::Txn::list(const std::string& key, const std::string& ns) const {
  std::vector<const json*> out;
  const auto b = s_.objects_.find(key);
  if (b == s_.objects_.end()) return out;
  for (const auto& [k, obj] : b->second) {
    if (ns.empty() || ns_of(obj) == ns) out.push_back(&obj);
  }
  return out;
}

std::uint64_t Store::Txn::current_rv() const { return s_.rv_; }

json Store::Txn::create(const std::string& key, json obj) {
  return s_.commit(EventType::kAdded, key, std::move(obj), nullptr);
}

json Store::Txn::update(const std::string& key, json obj) {
  const json* prev = get(key, ns_of(obj), name_of(obj));
  const json before = prev ? *prev : json();
  return s_.commit(EventType::kModified, key, std::move(obj), prev ? &before : nullptr);
}

json Store::Txn::remove(const std::string& key, const std::string& ns, const std::string& name,
                        const json* final_state) {
  const json* cur = get(key, ns, name);
  if (!cur) return json();
  const json before = *cur;
  return s_.commit(EventType::kDeleted, key, final_state ? *final_state : before, &before);
}

std::optional<std::vector<json>> Store::Txn::objects_at(const std::string& key,
                                                        const std::string& ns,
                                                        std::uint64_t rv) const {
  if (rv < s_.floor_) return std::nullopt;
  std::map<std::string, json> state;
  for (const json* o : list(key, ns)) state[object_key(ns_of(*o), name_of(*o))] = *o;
  // Undo, newest first, every change made after rv.
  for (auto it = s_.history_.rbegin(); it != s_.history_.rend() && it->rv > rv; ++it) {
    if (it->storage_key != key) continue;
    const json& obj = *it->object;
    if (!ns.empty() && ns_of(obj) != ns) continue;
    const std::string k = object_key(ns_of(obj), name_of(obj));
    if (it->type == EventType::kAdded) {
      state.erase(k);
    } else {
      state[k] = *it->prev;
    }
  }
  std::vector<json> out;
  for (auto& [k, o] : state) out.push_back(std::move(o));
  return out;
}

std::optional<std::vector<StoredEvent>> Store::Txn::events_after(std::uint64_t from) const {
  if (from < s_.floor_) return std::nullopt;
  std::vector<StoredEvent> out;
  for (const auto& ev : s_.history_) {
    if (ev.rv > from) out.push_back(ev);
  }
  return out;
}

std::uint64_t Store::Txn::history_floor() const { return s_.floor_; }

void Store::Txn::compact(std::uint64_t rv) {
  if (rv == 0 || rv > s_.rv_) rv = s_.rv_;
  while (!s_.history_.empty() && s_.history_.front().rv <= rv) s_.history_.pop_front();
  if (rv > s_.floor_) s_.floor_ = rv;
}

}  // namespace orderops::apiserver
