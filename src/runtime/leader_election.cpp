#include "runtime/leader_election.h"

#include <thread>

#include "kube/api_error.h"

namespace orderops::runtime {
namespace {

// client-go NewFromKubeconfig: each lock call gets RenewDeadline/2, at least a second.
constexpr Duration kMinCallTimeout = std::chrono::seconds(1);

}  // namespace

Status validate(const LeaderElectionConfig& c) {
  if (c.identity.empty()) return invalid("leader election: identity is empty");
  if (c.lease_duration <= Duration::zero() || c.renew_deadline <= Duration::zero() ||
      c.retry_period <= Duration::zero()) {
    return invalid("leader election: lease duration, renew deadline and retry period must be > 0");
  }
  if (c.lease_duration <= c.renew_deadline) {
    return invalid("leader election: lease duration must be greater than the renew deadline");
  }
  const auto jittered =
      std::chrono::duration<double, Duration::period>(c.retry_period) * kLeaderJitterFactor;
  if (std::chrono::duration<double, Duration::period>(c.renew_deadline) <= jittered) {
    return invalid("leader election: renew deadline must be greater than 1.2 x the retry period");
  }
  if (c.lease_duration < std::chrono::seconds(1)) {
    return invalid("leader election: lease duration must be at least 1s");
  }
  return {};
}

std::string_view to_string(LeadershipEnd end) {
  switch (end) {
    case LeadershipEnd::kNeverLed:
      return "never-led";
    case LeadershipEnd::kStopped:
      return "stopped";
    case LeadershipEnd::kLost:
      return "lost";
  }
  return "stopped";
}

LeaderElector::LeaderElector(LeaseLock& lock, LeaderElectionConfig config,
                             LeaderCallbacks callbacks, const Clock& clock, Logger log,
                             std::uint64_t seed)
    : lock_(lock),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      log_(log.with({{"lease", lock.describe()}, {"identity", config_.identity}})),
      random_(seed) {}

bool LeaderElector::is_leader_locked() const {
  return observed_.holder_identity == config_.identity;
}

bool LeaderElector::lease_valid_locked(MonotonicTime now) const {
  return observed_time_ + std::chrono::seconds(observed_.lease_duration_seconds) > now;
}

void LeaderElector::set_observed_locked(const kube::LeaseRecord& record, std::string raw) {
  observed_ = record;
  if (!raw.empty()) observed_raw_ = std::move(raw);
  observed_time_ = clock_.monotonic();
}

bool LeaderElector::is_leader() const {
  std::lock_guard lock(mu_);
  return is_leader_locked();
}

std::string LeaderElector::observed_holder() const {
  std::lock_guard lock(mu_);
  return observed_.holder_identity;
}

bool LeaderElector::healthy(Duration tolerance) const {
  std::lock_guard lock(mu_);
  if (!is_leader_locked()) return true;
  return clock_.monotonic() - observed_time_ <= config_.lease_duration + tolerance;
}

Duration LeaderElector::call_timeout(std::optional<MonotonicTime> deadline) const {
  const Duration each = std::max<Duration>(config_.renew_deadline / 2, kMinCallTimeout);
  if (!deadline) return each;
  // Never zero: a zero timeout would mean "the transport's default" further down.
  return std::max<Duration>(std::min(each, *deadline - clock_.monotonic()),
                            std::chrono::milliseconds(1));
}

Duration LeaderElector::jittered_retry() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto extra = std::chrono::duration<double, Duration::period>(config_.retry_period) *
                     kLeaderJitterFactor * unit(random_);
  return config_.retry_period + std::chrono::duration_cast<Duration>(extra);
}

bool LeaderElector::try_acquire_or_renew(std::stop_token stop,
                                         std::optional<MonotonicTime> deadline) {
  const SystemTime wall = clock_.now();
  const MonotonicTime now = clock_.monotonic();
  if (deadline && *deadline <= now) return false;
  kube::LeaseRecord desired{
      config_.identity,
      static_cast<std::int32_t>(
          std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration).count()),
      wall, wall, 0};

  // 1. Fast path: we lead and our lease is valid, so write the cached Lease directly.
  bool fast = false;
  {
    std::lock_guard lock(mu_);
    if (is_leader_locked() && lease_valid_locked(now)) {
      desired.acquire_time = observed_.acquire_time;
      desired.lease_transitions = observed_.lease_transitions;
      fast = true;
    }
  }
  if (fast) {
    if (auto st = lock_.update(desired, call_timeout(deadline), stop)) {
      std::lock_guard lock(mu_);
      set_observed_locked(desired, {});
      return true;
    } else {
      log_.warn("failed to update lease optimistically, falling back to slow path",
                {{"error", st.error().to_string()}});
    }
  }

  // 2. Read the lock, creating it when there is none.
  auto got = lock_.get(call_timeout(deadline), stop);
  if (!got) {
    if (!kube::is_not_found(got.error())) {
      log_.warn("error retrieving lease", {{"error", got.error().to_string()}});
      return false;
    }
    desired.lease_transitions = 0;
    if (auto st = lock_.create(desired, call_timeout(deadline), stop); !st) {
      log_.warn("error creating lease", {{"error", st.error().to_string()}});
      return false;
    }
    std::lock_guard lock(mu_);
    set_observed_locked(desired, {});
    return true;
  }

  // 3. Note when the record last changed (by our clock) and respect a valid foreign holder.
  {
    std::lock_guard lock(mu_);
    if (got->second != observed_raw_) set_observed_locked(got->first, got->second);
    if (!observed_.holder_identity.empty() && lease_valid_locked(now) && !is_leader_locked()) {
      return false;
    }
    if (is_leader_locked()) {
      desired.acquire_time = observed_.acquire_time;
      desired.lease_transitions = observed_.lease_transitions;
    } else {
      desired.lease_transitions = observed_.lease_transitions + 1;
    }
  }

  // 4. Take or keep it; a concurrent candidate makes this a Conflict.
  if (auto st = lock_.update(desired, call_timeout(deadline), stop); !st) {
    log_.warn("failed to update lease", {{"error", st.error().to_string()}});
    return false;
  }
  std::lock_guard lock(mu_);
  set_observed_locked(desired, {});
  return true;
}

void LeaderElector::report_transition() {
  std::string holder;
  {
    std::lock_guard lock(mu_);
    if (observed_.holder_identity == reported_leader_) return;
    reported_leader_ = observed_.holder_identity;
    holder = reported_leader_;
  }
  if (holder.empty()) return;
  log_.info("new leader observed", {{"leader", holder}});
  if (callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

bool LeaderElector::acquire(std::stop_token stop) {
  log_.info("attempting to acquire leader lease");
  while (!stop.stop_requested()) {
    const MonotonicTime attempt = clock_.monotonic();
    const bool acquired = try_acquire_or_renew(stop);
    report_transition();
    if (acquired) {
      last_renewal_ = attempt;
      log_.info("successfully acquired lease");
      return true;
    }
    if (!clock_.sleep_for(jittered_retry(), stop)) return false;
  }
  return false;
}

bool LeaderElector::renew(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const MonotonicTime deadline = last_renewal_ + config_.renew_deadline;
    bool renewed = false;
    while (!stop.stop_requested()) {
      const MonotonicTime attempt = clock_.monotonic();
      if (try_acquire_or_renew(stop, deadline)) {
        last_renewal_ = attempt;
        renewed = true;
        break;
      }
      const MonotonicTime next = clock_.monotonic() + config_.retry_period;
      if (next >= deadline) break;
      if (!clock_.sleep_until(next, stop)) return false;
    }
    if (stop.stop_requested()) return false;
    report_transition();
    if (!renewed) {
      log_.error("failed to renew lease within the renew deadline");
      return true;
    }
    if (!clock_.sleep_for(config_.retry_period, stop)) return false;
  }
  return false;
}

bool LeaderElector::release() {
  kube::LeaseRecord record;
  {
    std::lock_guard lock(mu_);
    if (!is_leader_locked()) return true;
    record.lease_transitions = observed_.lease_transitions;
  }
  const SystemTime now = clock_.now();
  record.lease_duration_seconds = 1;
  record.acquire_time = now;
  record.renew_time = now;
  if (auto st = lock_.update(record, config_.renew_deadline, {}); !st) {
    log_.error("failed to release lease", {{"error", st.error().to_string()}});
    return false;
  }
  std::lock_guard lock(mu_);
  set_observed_locked(record, {});
  log_.info("released lease");
  return true;
}

LeadershipEnd LeaderElector::run(std::stop_token stop) {
  if (!acquire(stop)) {
    if (callbacks_.on_stopped_leading)
      callbacks_.on_stopped_leading(LeadershipEnd::kNeverLed, true);
    return LeadershipEnd::kNeverLed;
  }
  std::stop_source leader_stop;
  std::stop_source work_done;
  std::jthread work([this, token = leader_stop.get_token(), &work_done] {
    if (callbacks_.on_started_leading) callbacks_.on_started_leading(token);
    work_done.request_stop();
  });
  const bool lost = renew(stop);
  if (lost) log_.error("leader election lost");
  leader_stop.request_stop();
  const MonotonicTime grace_end = config_.work_stop_grace > Duration::zero()
                                      ? clock_.monotonic() + config_.work_stop_grace
                                      : last_renewal_ + config_.lease_duration;
  clock_.sleep_until(grace_end, work_done.get_token());
  const bool work_stopped = work_done.stop_requested();
  if (!work_stopped) log_.error("leader-only work did not stop within the grace period");
  const LeadershipEnd end = lost ? LeadershipEnd::kLost : LeadershipEnd::kStopped;
  if (!lost && work_stopped && config_.release_on_cancel) release();
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading(end, work_stopped);
  return end;
}

}  // namespace orderops::runtime
