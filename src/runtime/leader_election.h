// Leader election cloned from client-go's leaderelection package on a LeaseLock (acquire,
// renew, expiry by local observation, release). Accessors are thread-safe; run() runs once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "kube/lease.h"
#include "runtime/lease_lock.h"

namespace orderops::runtime {

inline constexpr double kLeaderJitterFactor = 1.2;

struct LeaderElectionConfig {
  std::string identity;  // "<hostname>_<uuid>"
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
  bool release_on_cancel = true;
  // How long to wait for leader-only work to stop after leadership ends; zero: until the lease
  // could expire for others (last renewal + lease_duration), so work is gone before a takeover.
  Duration work_stop_grace{};
};

Status validate(const LeaderElectionConfig& config);

enum class LeadershipEnd {
  kNeverLed,  // stopped before acquiring
  kStopped,   // stopped while leading (released when the work had stopped)
  kLost,      // renewal failed: the process should exit
};
std::string_view to_string(LeadershipEnd end);

struct LeaderCallbacks {
  // Runs on its own thread once the lease is acquired; must return soon after `stop` fires.
  std::function<void(std::stop_token stop)> on_started_leading;
  // Always called at the end of run(). work_stopped is false when the leader-only work did not
  // finish within the grace: the caller must then exit the process at once.
  std::function<void(LeadershipEnd end, bool work_stopped)> on_stopped_leading;
  // A different holder was observed (optional).
  std::function<void(const std::string& identity)> on_new_leader;
};

// Leader election cloned from client-go's leaderelection package, on a LeaseLock:
//  - acquire: tryAcquireOrRenew every RetryPeriod with jitter 1.2 until it succeeds;
//  - a held lease counts as valid while local observedTime + the *record's*
//    leaseDurationSeconds is in the future (observedTime: when this replica last saw the record
//    change; stored renewTimes are never compared with the local clock);
//  - takeover increments leaseTransitions; renewal keeps acquireTime and transitions;
//  - renew: a round polls every RetryPeriod and fails after RenewDeadline, which ends leadership
//    for good (one-shot): leader-only work is cancelled and waited for, then OnStoppedLeading.
//  - on a clean stop the lease is released (empty holder, 1 s) only once the work has stopped.
// Defaults 15 s / 10 s / 2 s; LeaseDuration > RenewDeadline > 1.2 * RetryPeriod is required.
// Thread-safe accessors; run() is called once.
class LeaderElector {
 public:
  LeaderElector(LeaseLock& lock, LeaderElectionConfig config, LeaderCallbacks callbacks,
                const Clock& clock, Logger log, std::uint64_t seed);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Acquire, lead and renew until stop or loss; one-shot.
  LeadershipEnd run(std::stop_token stop);

  bool is_leader() const;
  std::string observed_holder() const;
  // client-go's Check: false when this replica believes it leads but has not renewed for
  // lease_duration + tolerance (a stuck process that should have given up).
  bool healthy(Duration tolerance) const;

  // The steps of run(), public for FakeClock tests. Lock calls get RenewDeadline/2 (at least
  // 1 s) each, and never run past `deadline` when one is given (the renew round's end).
  bool try_acquire_or_renew(std::stop_token stop,
                            std::optional<MonotonicTime> deadline = std::nullopt);
  bool release();
  // Tries until acquired; false when stopped.
  bool acquire(std::stop_token stop);
  // Renews until it fails for renew_deadline since the last renewal (returns true: lost) or
  // until stop (returns false). client-go counts the deadline from the start of a round, one
  // retry period after the last renewal; counting from the renewal keeps the documented margin
  // of lease_duration - renew_deadline before a standby may take over.
  bool renew(std::stop_token stop);

 private:
  bool lease_valid_locked(MonotonicTime now) const;
  bool is_leader_locked() const;
  void set_observed_locked(const kube::LeaseRecord& record, std::string raw);
  Duration call_timeout(std::optional<MonotonicTime> deadline) const;
  Duration jittered_retry();
  void report_transition();

  LeaseLock& lock_;
  const LeaderElectionConfig config_;
  LeaderCallbacks callbacks_;
  const Clock& clock_;
  Logger log_;
  std::mt19937_64 random_;

  mutable std::mutex mu_;
  kube::LeaseRecord observed_;
  std::string observed_raw_;
  MonotonicTime observed_time_{};
  std::string reported_leader_;
  // When the last successful acquire or renew attempt started (run()'s thread only).
  MonotonicTime last_renewal_{};
};

}  // namespace orderops::runtime
