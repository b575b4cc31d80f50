#include "runtime/event_correlator.h"

#include <cstdio>

#include "common/time_format.h"

namespace orderops::runtime {
namespace {

constexpr std::string_view kCombinedPrefix = "(combined from similar events): ";
// The API refuses longer event messages.
constexpr size_t kMaxMessage = 1024;

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    out.append(p);
    out.push_back('\x1f');  // a separator that cannot occur in names
  }
  return out;
}

std::string hex_nanos(SystemTime t) {
  char buf[32];
  std::snprintf(
      buf, sizeof(buf), "%llx",
      static_cast<unsigned long long>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count()));
  return buf;
}

}  // namespace

ObjectReference ObjectReference::of(const kube::Json& object) {
  return {object.value("apiVersion", ""), object.value("kind", ""),
          kube::namespace_of(object),     kube::name_of(object),
          kube::uid_of(object),           kube::resource_version_of(object)};
}

kube::Json ObjectReference::to_json() const {
  kube::Json out = {{"apiVersion", api_version}, {"kind", kind}, {"name", name}};
  if (!ns.empty()) out["namespace"] = ns;
  if (!uid.empty()) out["uid"] = uid;
  if (!resource_version.empty()) out["resourceVersion"] = resource_version;
  return out;
}

std::string_view to_string(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

EventCorrelator::EventCorrelator(const Clock& clock, EventSource source)
    : clock_(clock), source_(std::move(source)) {}

template <class Map>
void EventCorrelator::remember(Map& map, std::list<std::string>& order, const std::string& key) {
  if (map.contains(key)) return;
  order.push_back(key);
  if (order.size() > kCacheSize) {
    map.erase(order.front());
    order.pop_front();
  }
}

kube::Json EventCorrelator::build(const ObjectReference& object, EventType type,
                                  std::string_view reason, std::string_view message,
                                  SystemTime now) const {
  const std::string ts = format_rfc3339(now);
  std::string name = object.name;
  name.append(".").append(hex_nanos(now));
  // Events of cluster-scoped objects live in "default", as client-go records them.
  const std::string ns = object.ns.empty() ? "default" : object.ns;
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"involvedObject", object.to_json()},
          {"reason", reason},
          {"message", message.substr(0, kMaxMessage)},
          {"source", {{"component", source_.component}, {"host", source_.instance}}},
          {"firstTimestamp", ts},
          {"lastTimestamp", ts},
          {"count", 1},
          {"type", to_string(type)},
          {"reportingComponent", source_.component},
          {"reportingInstance", source_.instance}};
}

CorrelatedEvent EventCorrelator::correlate(const ObjectReference& object, EventType type,
                                           std::string_view reason, std::string_view message) {
  const SystemTime now = clock_.now();
  const std::string object_key = join({source_.component, source_.instance, object.kind, object.ns,
                                       object.name, object.uid, object.api_version});
  const std::string aggregate_key = join({object_key, to_string(type), reason});
  CorrelatedEvent out;
  out.event = build(object, type, reason, message, now);
  out.cache_key = join({aggregate_key, message});

  std::lock_guard lock(mu_);
  // 1. Aggregate similar events (client-go EventAggregate).
  remember(aggregates_, aggregate_order_, aggregate_key);
  Aggregate& aggregate = aggregates_[aggregate_key];
  if (now - aggregate.last > kAggregateInterval) aggregate = Aggregate{};
  aggregate.messages.insert(std::string(message));
  aggregate.last = now;
  if (aggregate.messages.size() >= static_cast<size_t>(kAggregateMaxEvents)) {
    aggregate.messages.erase(aggregate.messages.begin());
    std::string combined(kCombinedPrefix);
    combined.append(message);
    out.event = build(object, type, reason, combined, now);
    out.cache_key = aggregate_key;
  }

  // 2. An identical repeat patches the event already written (client-go eventObserve).
  remember(observed_, observed_order_, out.cache_key);
  Observed& seen = observed_[out.cache_key];
  if (seen.count > 0) {
    out.event["metadata"]["name"] = seen.name;
    out.event["firstTimestamp"] = seen.first_timestamp;
    out.event["count"] = seen.count + 1;
    out.patch = kube::Json{{"count", seen.count + 1},
                           {"lastTimestamp", out.event["lastTimestamp"]},
                           {"message", out.event["message"]}};
  }
  seen.count = out.event["count"].get<std::int64_t>();
  seen.name = out.event["metadata"]["name"].get<std::string>();
  seen.first_timestamp = out.event["firstTimestamp"].get<std::string>();

  // 3. The spam filter, per source and object.
  remember(spam_, spam_order_, object_key);
  auto& bucket = spam_[object_key];
  if (!bucket) bucket = std::make_unique<kube::TokenBucket>(kSpamQps, kSpamBurst, clock_);
  out.skip = !bucket->try_take();
  return out;
}

void EventCorrelator::forget(const std::string& cache_key) {
  std::lock_guard lock(mu_);
  observed_.erase(cache_key);
}

}  // namespace orderops::runtime
