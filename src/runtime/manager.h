// The controller manager (controller-runtime's Manager): shared informers, leader-only
// controllers and runnables, leader election. Build the graph before run(); accessors are
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "kube/client.h"
#include "runtime/controller.h"
#include "runtime/event_recorder.h"
#include "runtime/informer.h"
#include "runtime/leader_election.h"

namespace orderops::runtime {

struct LeaderElectionSettings {
  std::string lease_namespace;
  std::string lease_name = "orderops-leader";
  LeaderElectionConfig election;
  // The client for the Lease; null: the manager's. Give it one with its own rate limiter (as
  // controller-runtime's leader election has its own clientset), so that thousands of queued
  // status writes can never delay a renewal past the renew deadline.
  kube::Client* lease_client = nullptr;
};

struct ManagerConfig {
  std::optional<LeaderElectionSettings> leader_election;  // nullopt: always lead
  InformerConfig informer;                                // the defaults for every informer
  std::uint64_t seed = 1;
  std::function<void(bool leading)> on_leader_change;  // e.g. the orderops_leader gauge
};

// The controller manager (controller-runtime's Manager): shared informers (one per resource type
// and namespace), controllers and other leader-only runnables, and leader election on a Lease.
// Informers run on every replica (followers keep warm caches); controllers and runnables run
// only while this replica leads, under a stop token that fires when leadership ends. Losing the
// lease is final: run() returns an error and the process should exit so Kubernetes restarts it.
// Build the graph (informer(), add_controller(), add_leader_runnable()) before run(); the
// accessors are thread-safe.
class Manager {
 public:
  Manager(kube::Client& client, const Clock& clock, Logger log, ManagerConfig config);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // The shared informer of `type` in `ns` ("" = all namespaces), created on first use.
  Informer& informer(const kube::ResourceType& type, const std::string& ns);
  // A controller run while leading; connect it to informers with Controller::watch().
  Controller& add_controller(ControllerConfig config, Reconciler& reconciler,
                             ControllerHooks hooks = {});
  // Other leader-only work (the run engine); must return soon after the token fires.
  void add_leader_runnable(std::string name, std::function<void(std::stop_token)> runnable);
  // Records "<identity> became leader" on the Lease when set.
  void set_event_recorder(EventRecorder* recorder) { recorder_ = recorder; }

  // Every informer has its first list (the /readyz condition).
  bool caches_synced() const;
  bool is_leader() const { return leading_.load(); }
  // False when leader election is stuck (see LeaderElector::healthy).
  bool healthy() const;

  // Runs until `stop` (Ok) or until the lease is lost (Error "leader election lost").
  Status run(std::stop_token stop);

 private:
  void lead(std::stop_token stop);
  void set_leading(bool leading);

  kube::Client& client_;
  const Clock& clock_;
  Logger log_;
  const ManagerConfig config_;
  EventRecorder* recorder_ = nullptr;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Informer>> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::vector<std::pair<std::string, std::function<void(std::stop_token)>>> runnables_;
  std::atomic<bool> leading_{false};
  // Created by run() and kept until the Manager dies, so healthy() never sees a dangling elector.
  std::unique_ptr<KubeLeaseLock> lock_;
  std::unique_ptr<LeaderElector> elector_;
  std::atomic<bool> electing_{false};
};

}  // namespace orderops::runtime
