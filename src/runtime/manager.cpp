#include "runtime/manager.h"

#include <cstdlib>
#include <thread>

namespace orderops::runtime {
namespace {

// How stale a leader's last renewal may be before /healthz fails (client-go HealthzAdaptor).
constexpr Duration kLeaderHealthTolerance = std::chrono::seconds(20);

}  // namespace

Manager::Manager(kube::Client& client, const Clock& clock, Logger log, ManagerConfig config)
    : client_(client), clock_(clock), log_(std::move(log)), config_(std::move(config)) {}

Manager::~Manager() {
  for (auto& [key, informer] : informers_) informer->stop();
}

Informer& Manager::informer(const kube::ResourceType& type, const std::string& ns) {
  auto key = std::make_pair(type.api_version() + "/" + type.plural, ns);
  auto& slot = informers_[key];
  if (!slot) {
    InformerConfig config = config_.informer;
    config.watcher.seed = config_.seed + informers_.size() * 7919;
    slot = std::make_unique<Informer>(client_, type, ns, clock_, log_.named("informer"), config);
  }
  return *slot;
}

Controller& Manager::add_controller(ControllerConfig config, Reconciler& reconciler,
                                    ControllerHooks hooks) {
  controllers_.push_back(std::make_unique<Controller>(std::move(config), reconciler, clock_,
                                                      log_.named("controller"), std::move(hooks)));
  return *controllers_.back();
}

void Manager::add_leader_runnable(std::string name, std::function<void(std::stop_token)> runnable) {
  runnables_.emplace_back(std::move(name), std::move(runnable));
}

bool Manager::caches_synced() const {
  for (const auto& [key, informer] : informers_) {
    if (!informer->has_synced()) return false;
  }
  return true;
}

bool Manager::healthy() const {
  return !electing_.load() || elector_->healthy(kLeaderHealthTolerance);
}

void Manager::set_leading(bool leading) {
  leading_.store(leading);
  if (config_.on_leader_change) config_.on_leader_change(leading);
}

void Manager::lead(std::stop_token stop) {
  set_leading(true);
  {
    std::vector<std::jthread> workers;
    for (auto& controller : controllers_) {
      workers.emplace_back([&controller, stop] { controller->run(stop); });
    }
    for (auto& [name, runnable] : runnables_) {
      workers.emplace_back([&runnable, stop] { runnable(stop); });
    }
  }  // joins once every piece has seen `stop`
  set_leading(false);
}

Status Manager::run(std::stop_token stop) {
  for (auto& [key, informer] : informers_) informer->start();
  log_.info("informers started", {{"informers", informers_.size()}});
  if (!config_.leader_election) {
    lead(stop);
    return {};
  }
  const LeaderElectionSettings& settings = *config_.leader_election;
  kube::Client& lease_client = settings.lease_client ? *settings.lease_client : client_;
  lock_ =
      std::make_unique<KubeLeaseLock>(lease_client, settings.lease_namespace, settings.lease_name);
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token leader_stop) {
    if (recorder_ != nullptr) {
      recorder_->event({"coordination.k8s.io/v1", "Lease", settings.lease_namespace,
                        settings.lease_name, "", ""},
                       EventType::kNormal, "LeaderElection",
                       settings.election.identity + " became leader");
    }
    lead(leader_stop);
  };
  callbacks.on_stopped_leading = [this](LeadershipEnd end, bool work_stopped) {
    log_.info("stopped leading", {{"end", to_string(end)}, {"work_stopped", work_stopped}});
    if (!work_stopped) {
      // Leader-only work ignored its stop token: only ending the process guarantees it is gone
      // before another replica takes over.
      log_.error("leader-only work did not stop; exiting");
      std::_Exit(1);
    }
  };
  elector_ = std::make_unique<LeaderElector>(*lock_, settings.election, std::move(callbacks),
                                             clock_, log_.named("leader-election"), config_.seed);
  electing_.store(true);
  const LeadershipEnd end = elector_->run(stop);
  electing_.store(false);
  if (end == LeadershipEnd::kLost) return make_error(ErrorCode::kCancelled, "leader election lost");
  return {};
}

}  // namespace orderops::runtime
