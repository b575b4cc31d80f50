// The decisions of client-go's core/v1 event recorder (aggregation, dedup into patches, spam
// filter) without I/O. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.h"
#include "kube/object.h"
#include "kube/token_bucket.h"

namespace orderops::runtime {

// The object an event is about (core/v1 ObjectReference).
struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;

  static ObjectReference of(const kube::Json& object);
  kube::Json to_json() const;
};

enum class EventType { kNormal, kWarning };
std::string_view to_string(EventType type);

struct EventSource {
  std::string component;  // reportingComponent and source.component ("orderops-manager")
  std::string instance;   // reportingInstance and source.host (the replica's identity)
};

struct CorrelatedEvent {
  bool skip = false;                // dropped by the spam filter
  kube::Json event;                 // the complete Event (for a create)
  std::optional<kube::Json> patch;  // set for a repeat: merge patch of count/lastTimestamp/message
  std::string cache_key;            // identifies the cached observation (for forget())
};

// The decisions of client-go's core/v1 event recorder (tools/record/events_cache.go), without
// I/O: similar events (same object, type and reason, different messages) are combined after 10
// within 600 s into "(combined from similar events): ..."; an identical repeat becomes a patch of
// count/lastTimestamp/message on the event already written; and a spam filter allows a burst of
// 25 events per source and object, refilled at one per 5 minutes. Caches are bounded (4096
// entries). Thread-safe.
class EventCorrelator {
 public:
  static constexpr int kAggregateMaxEvents = 10;
  static constexpr Duration kAggregateInterval = std::chrono::seconds(600);
  static constexpr int kSpamBurst = 25;
  static constexpr double kSpamQps = 1.0 / 300.0;
  static constexpr std::size_t kCacheSize = 4096;

  EventCorrelator(const Clock& clock, EventSource source);

  CorrelatedEvent correlate(const ObjectReference& object, EventType type, std::string_view reason,
                            std::string_view message);
  // Forgets a cached event (after its patch met NotFound and it was created again).
  void forget(const std::string& cache_key);

 private:
  struct Aggregate {
    std::unordered_set<std::string> messages;
    SystemTime last{};
  };
  struct Observed {
    std::int64_t count = 0;
    std::string name;
    std::string first_timestamp;
  };
  kube::Json build(const ObjectReference& object, EventType type, std::string_view reason,
                   std::string_view message, SystemTime now) const;
  // Bounds a cache: evicts the oldest key once kCacheSize is exceeded.
  template <class Map>
  void remember(Map& map, std::list<std::string>& order, const std::string& key);

  const Clock& clock_;
  const EventSource source_;
  std::mutex mu_;
  std::unordered_map<std::string, Aggregate> aggregates_;
  std::list<std::string> aggregate_order_;
  std::unordered_map<std::string, Observed> observed_;
  std::list<std::string> observed_order_;
  std::unordered_map<std::string, std::unique_ptr<kube::TokenBucket>> spam_;
  std::list<std::string> spam_order_;
};

}  // namespace orderops::runtime
