// Records core/v1 Events about objects (client-go's record.EventRecorder), written
// asynchronously by one worker thread. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <stop_token>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "kube/client.h"
#include "runtime/event_correlator.h"

namespace orderops::runtime {

struct EventRecorderConfig {
  EventSource source;
  std::size_t queue_limit = 1000;
  int max_attempts = 12;
  Duration retry_interval = std::chrono::seconds(10);
  std::uint64_t seed = 1;
};

// Records core/v1 Events about objects, as client-go's record.EventRecorder: event() correlates
// at once (EventCorrelator) and queues the write; one worker thread creates new events and
// patches repeats (a patch that meets NotFound creates the event again). Failed writes are retried
// up to 12 times, 10 s apart (the first wait randomised); the queue drops events beyond its limit
// (client-go's is 1000) so a slow API server never blocks reconciles. Thread-safe.
class EventRecorder {
 public:
  EventRecorder(kube::Client& client, const Clock& clock, Logger log, EventRecorderConfig config);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `reason` is CamelCase (RunStarted); `message` is for people. Never blocks on the API.
  void event(const ObjectReference& object, EventType type, std::string_view reason,
             std::string_view message);
  // Starts the writer thread.
  void start();
  // Stops the writer thread (queued events are dropped).
  void stop();
  // Writes everything queued on the caller's thread (tests, and shutdown with a deadline).
  void flush(std::stop_token stop);
  std::size_t pending() const;

 private:
  void writer_loop(std::stop_token stop);
  // Writes one event with retries; false when stopped.
  bool write(const CorrelatedEvent& event, std::stop_token stop);
  Status write_once(const CorrelatedEvent& event, std::stop_token stop);

  kube::Client& client_;
  const Clock& clock_;
  Logger log_;
  const EventRecorderConfig config_;
  EventCorrelator correlator_;
  std::mt19937_64 random_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<CorrelatedEvent> queue_;
  std::jthread writer_;
};

}  // namespace orderops::runtime
