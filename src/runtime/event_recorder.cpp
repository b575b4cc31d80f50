#include "runtime/event_recorder.h"

#include "kube/api_error.h"

namespace orderops::runtime {

EventRecorder::EventRecorder(kube::Client& client, const Clock& clock, Logger log,
                             EventRecorderConfig config)
    : client_(client),
      clock_(clock),
      log_(std::move(log)),
      config_(std::move(config)),
      correlator_(clock, config_.source),
      random_(config_.seed) {}

EventRecorder::~EventRecorder() { stop(); }

void EventRecorder::start() {
  writer_ = std::jthread([this](std::stop_token stop) { writer_loop(stop); });
}

void EventRecorder::stop() {
  if (writer_.joinable()) {
    writer_.request_stop();
    writer_.join();
  }
}

void EventRecorder::event(const ObjectReference& object, EventType type, std::string_view reason,
                          std::string_view message) {
  CorrelatedEvent correlated = correlator_.correlate(object, type, reason, message);
  if (correlated.skip) {
    log_.debug("event dropped by the spam filter", {{"reason", reason}, {"name", object.name}});
    return;
  }
  std::lock_guard lock(mu_);
  if (queue_.size() >= config_.queue_limit) {
    log_.warn("event queue full, dropping event", {{"reason", reason}, {"name", object.name}});
    return;
  }
  queue_.push_back(std::move(correlated));
  cv_.notify_one();
}

std::size_t EventRecorder::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Status EventRecorder::write_once(const CorrelatedEvent& event, std::stop_token stop) {
  const auto& meta = event.event["metadata"];
  const std::string ns = meta.value("namespace", "");
  const std::string name = meta.value("name", "");
  if (event.patch) {
    auto patched = client_.patch(kube::event_resource(), ns, name, kube::PatchType::kMerge,
                                 *event.patch, {}, stop);
    if (patched || !kube::is_not_found(patched.error())) {
      if (!patched) return std::unexpected(patched.error());
      return {};
    }
    // The event expired or was deleted: write it anew (client-go recordToSink).
  }
  kube::Json fresh = event.event;
  fresh["metadata"].erase("resourceVersion");
  auto created = client_.create(kube::event_resource(), ns, fresh, {}, stop);
  if (!created && kube::is_already_exists(created.error())) return {};
  if (!created) return std::unexpected(created.error());
  return {};
}

bool EventRecorder::write(const CorrelatedEvent& event, std::stop_token stop) {
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    auto st = write_once(event, stop);
    if (st) return true;
    if (stop.stop_requested()) return false;
    // Only transient failures are worth another try; an invalid event stays invalid.
    if (!st.error().retryable() || attempt == config_.max_attempts) {
      log_.warn("could not write event", {{"error", st.error().to_string()}});
      return true;
    }
    Duration wait = config_.retry_interval;
    if (attempt == 1) {
      // Spread the first retry so replicas do not hammer a recovering API server together.
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      wait = std::chrono::duration_cast<Duration>(
          std::chrono::duration<double, Duration::period>(wait) * unit(random_));
    }
    if (!clock_.sleep_for(wait, stop)) return false;
  }
  return true;
}

void EventRecorder::flush(std::stop_token stop) {
  while (!stop.stop_requested()) {
    CorrelatedEvent next;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    write(next, stop);
  }
}

void EventRecorder::writer_loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
    }
    flush(stop);
  }
}

}  // namespace orderops::runtime
