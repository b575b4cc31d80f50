#include "runtime/informer.h"

#include <random>

namespace orderops::runtime {

Informer::Informer(kube::Client& client, kube::ResourceType type, std::string ns,
                   const Clock& clock, Logger log, InformerConfig config)
    : type_(type),
      ns_(ns),
      clock_(clock),
      log_(log.with({{"resource", type.display()}})),
      config_(config),
      writer_(store_),
      watcher_(client, type, std::move(ns), config.watcher, clock, std::move(log)) {}

Informer::~Informer() { stop(); }

void Informer::add_handler(EventHandler handler) { handlers_.push_back(std::move(handler)); }

void Informer::start() {
  watch_thread_ = std::jthread([this](std::stop_token stop) {
    watcher_.run([this](WatcherEvent&& e) { deliver(std::move(e)); }, stop);
  });
  if (config_.resync_period > Duration::zero()) {
    resync_thread_ = std::jthread([this](std::stop_token stop) { resync_loop(stop); });
  }
}

void Informer::stop() {
  for (auto* t : {&watch_thread_, &resync_thread_}) {
    if (t->joinable()) {
      t->request_stop();
      t->join();
    }
  }
}

bool Informer::wait_for_sync(std::stop_token stop) const {
  std::unique_lock lock(sync_mu_);
  return sync_cv_.wait(lock, stop, [this] { return store_.synced(); });
}

void Informer::notify(const InformerEvent& event) const {
  for (const auto& handler : handlers_) handler(event);
}

void Informer::deliver(WatcherEvent&& event) {
  switch (event.kind) {
    case WatcherEvent::Kind::kRestarted: {
      auto replaced = writer_.replace(std::move(event.objects));
      { std::lock_guard lock(sync_mu_); }
      sync_cv_.notify_all();
      for (const auto& [old, now] : replaced.upserted) {
        notify(old ? InformerEvent{InformerEventType::kUpdate, now, old}
                   : InformerEvent{InformerEventType::kAdd, now, nullptr});
      }
      for (const auto& gone : replaced.removed) {
        notify({InformerEventType::kDelete, gone, nullptr, true});
      }
      break;
    }
    case WatcherEvent::Kind::kApplied: {
      const kube::ObjectPtr& now = event.objects.front();
      kube::ObjectPtr old = writer_.apply(now);
      notify(old ? InformerEvent{InformerEventType::kUpdate, now, old}
                 : InformerEvent{InformerEventType::kAdd, now, nullptr});
      break;
    }
    case WatcherEvent::Kind::kDeleted: {
      const kube::ObjectPtr& last = event.objects.front();
      writer_.remove(*last);
      notify({InformerEventType::kDelete, last, nullptr, false});
      break;
    }
    case WatcherEvent::Kind::kNone:
      break;
  }
}

void Informer::resync_loop(std::stop_token stop) {
  std::mt19937_64 random(config_.watcher.seed + 17);
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  while (!stop.stop_requested()) {
    const auto period = std::chrono::duration_cast<Duration>(
        std::chrono::duration<double, Duration::period>(config_.resync_period) * jitter(random));
    if (!clock_.sleep_for(period, stop)) return;
    if (!store_.synced()) continue;
    for (const auto& obj : store_.list()) notify({InformerEventType::kUpdate, obj, obj});
    log_.debug("resynced", {{"objects", store_.size()}});
  }
}

}  // namespace orderops::runtime
