#include "runtime/leader_election.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <future>
#include <set>

#include "kube/api_error.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"

namespace orderops::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// One Lease on a fake API server: a record plus a resourceVersion that every write bumps.
struct FakeLeaseServer {
  std::mutex mu;
  std::optional<kube::LeaseRecord> record;
  int rv = 0;
  bool down = false;
  int writes = 0;
};

// A LeaseLock per candidate, caching the RV it last saw as KubeLeaseLock does.
class FakeLeaseLock final : public LeaseLock {
 public:
  explicit FakeLeaseLock(FakeLeaseServer& server) : server_(server) {}
  Result<std::pair<kube::LeaseRecord, std::string>> get(Duration, std::stop_token) override {
    std::lock_guard lock(server_.mu);
    if (server_.down) return make_error(ErrorCode::kUnavailable, "server down");
    if (!server_.record) return make_error(ErrorCode::kNotFound, "no lease", "NotFound");
    cached_rv_ = server_.rv;
    kube::Json j;
    kube::write_lease_record(j, *server_.record);
    return std::make_pair(*server_.record, j.dump());
  }
  Status create(const kube::LeaseRecord& record, Duration, std::stop_token) override {
    std::lock_guard lock(server_.mu);
    if (server_.down) return make_error(ErrorCode::kUnavailable, "server down");
    if (server_.record) return make_error(ErrorCode::kAlreadyExists, "exists", "AlreadyExists");
    server_.record = record;
    cached_rv_ = ++server_.rv;
    ++server_.writes;
    return {};
  }
  Status update(const kube::LeaseRecord& record, Duration, std::stop_token) override {
    std::lock_guard lock(server_.mu);
    if (server_.down) return make_error(ErrorCode::kUnavailable, "server down");
    if (cached_rv_ != server_.rv) return make_error(ErrorCode::kConflict, "modified", "Conflict");
    server_.record = record;
    cached_rv_ = ++server_.rv;
    ++server_.writes;
    return {};
  }
  std::string describe() const override { return "ns/orderops-leader"; }

 private:
  FakeLeaseServer& server_;
  int cached_rv_ = -1;
};

struct Candidate {
  Candidate(FakeLeaseServer& server, LeaderElectionConfig config, LeaderCallbacks callbacks,
            const Clock& clock, Logger log)
      : lock(server), elector(lock, std::move(config), std::move(callbacks), clock, log, 7) {}
  FakeLeaseLock lock;
  LeaderElector elector;
};

class LeaderElectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Candidate> candidate(const std::string& id, Duration lease = seconds(15),
                                       LeaderCallbacks callbacks = {}) {
    LeaderElectionConfig config;
    config.identity = id;
    config.lease_duration = lease;
    return std::make_unique<Candidate>(server_, config, std::move(callbacks), clock_, log_);
  }
  kube::LeaseRecord record() {
    std::lock_guard lock(server_.mu);
    return *server_.record;
  }
  void set_down(bool down) {
    std::lock_guard lock(server_.mu);
    server_.down = down;
  }

  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock_;
  Logger log_{sink_, clock_, LogFormat::kJson, LogLevel::kDebug};
  FakeLeaseServer server_;
};

TEST_F(LeaderElectionTest, FirstCandidateCreatesTheLease) {
  auto a = candidate("host-a_1");
  EXPECT_TRUE(a->elector.try_acquire_or_renew({}));
  EXPECT_TRUE(a->elector.is_leader());
  const kube::LeaseRecord r = record();
  EXPECT_EQ(r.holder_identity, "host-a_1");
  EXPECT_EQ(r.lease_duration_seconds, 15);
  EXPECT_EQ(r.lease_transitions, 0);
  EXPECT_EQ(r.acquire_time, clock_.now());
  EXPECT_EQ(r.renew_time, clock_.now());
}

TEST_F(LeaderElectionTest, RenewKeepsAcquireTimeAndTransitions) {
  auto a = candidate("a");
  const SystemTime acquired = clock_.now();
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(2));
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));  // the fast path: one write, no read
  const kube::LeaseRecord r = record();
  EXPECT_EQ(r.acquire_time, acquired);
  EXPECT_EQ(r.renew_time, clock_.now());
  EXPECT_EQ(r.lease_transitions, 0);
  EXPECT_EQ(server_.writes, 2);
}

TEST_F(LeaderElectionTest, StandbyWaitsAFullLeaseDurationFromItsOwnObservation) {
  auto a = candidate("a");
  auto b = candidate("b");
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(10));  // b starts late; a has stopped renewing
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));
  EXPECT_EQ(b->elector.observed_holder(), "a");
  // The stored renewTime is 10 s old, but b only trusts its own clock since it saw the record.
  clock_.advance(seconds(14));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(1));
  EXPECT_TRUE(b->elector.try_acquire_or_renew({}));
  const kube::LeaseRecord r = record();
  EXPECT_EQ(r.holder_identity, "b");
  EXPECT_EQ(r.lease_transitions, 1);
  EXPECT_EQ(r.acquire_time, clock_.now());
  // a notices it lost on its next attempt.
  EXPECT_FALSE(a->elector.try_acquire_or_renew({}));
  EXPECT_FALSE(a->elector.is_leader());
}

TEST_F(LeaderElectionTest, RenewalsRestartTheStandbysCount) {
  auto a = candidate("a");
  auto b = candidate("b");
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(10));
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));  // saw a new record at t=10
  clock_.advance(seconds(14));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));  // valid until t=25
  clock_.advance(seconds(1));
  EXPECT_TRUE(b->elector.try_acquire_or_renew({}));
}

TEST_F(LeaderElectionTest, ExpiryUsesTheRecordsDurationNotOurs) {
  auto a = candidate("a", seconds(30));
  auto b = candidate("b", seconds(15));
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(29));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(1));
  EXPECT_TRUE(b->elector.try_acquire_or_renew({}));
  EXPECT_EQ(record().lease_duration_seconds, 15);
}

TEST_F(LeaderElectionTest, ReleaseHandsOverAtOnce) {
  auto a = candidate("a");
  auto b = candidate("b");
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  EXPECT_FALSE(b->elector.try_acquire_or_renew({}));
  ASSERT_TRUE(a->elector.release());
  kube::LeaseRecord released = record();
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 0);
  EXPECT_TRUE(b->elector.try_acquire_or_renew({}));  // an empty holder is free
  EXPECT_EQ(record().lease_transitions, 1);
}

TEST_F(LeaderElectionTest, RacingCandidatesOnlyOneWins) {
  auto a = candidate("a");
  auto b = candidate("b");
  auto c = candidate("c");
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  ASSERT_FALSE(b->elector.try_acquire_or_renew({}));
  ASSERT_FALSE(c->elector.try_acquire_or_renew({}));
  clock_.advance(seconds(15));
  // Both read the expired record; b writes first, so c's write carries a stale RV.
  auto b_get = b->lock.get({}, {});
  auto c_get = c->lock.get({}, {});
  ASSERT_TRUE(b_get && c_get);
  EXPECT_TRUE(b->elector.try_acquire_or_renew({}));
  EXPECT_FALSE(c->elector.try_acquire_or_renew({}));  // re-reads: b now holds a valid lease
  EXPECT_EQ(record().holder_identity, "b");
}

TEST_F(LeaderElectionTest, ValidationFollowsClientGo) {
  LeaderElectionConfig c;
  c.identity = "a";
  EXPECT_TRUE(validate(c));  // 15 s / 10 s / 2 s
  c.lease_duration = seconds(4);
  c.renew_deadline = seconds(3);
  c.retry_period = seconds(1);
  EXPECT_TRUE(validate(c));
  c.renew_deadline = seconds(4);
  EXPECT_FALSE(validate(c));  // LD must exceed RD
  c.renew_deadline = milliseconds(1200);
  EXPECT_FALSE(validate(c));  // RD must exceed 1.2 x RP
  c.renew_deadline = milliseconds(1201);
  EXPECT_TRUE(validate(c));
  c.identity = "";
  EXPECT_FALSE(validate(c));
}

// A fake clock for driving run() on its own thread: the test repeatedly waits until the
// elector is really blocked on the clock (a sleeper whose deadline lies ahead) and jumps to that
// deadline; finish() ends the loop once run() has returned, so no wait can race its last sleep.
class SteppedClock final : public Clock {
 public:
  SystemTime now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  MonotonicTime monotonic() const override {
    std::lock_guard lock(mu_);
    return mono_;
  }
  bool sleep_until(MonotonicTime deadline, std::stop_token stop) const override {
    std::unique_lock lock(mu_);
    const auto it = deadlines_.insert(deadline);
    cv_.notify_all();
    cv_.wait(lock, stop, [&] { return mono_ >= deadline; });
    deadlines_.erase(it);
    cv_.notify_all();
    return !stop.stop_requested();
  }
  // Jumps to the earliest deadline of a blocked sleeper, first telling `before` where it goes;
  // false once finish() was called. Deadlines past `limit` are never reached: such a sleeper
  // must be woken by its stop token.
  bool advance_to_next_deadline(MonotonicTime limit,
                                const std::function<void(MonotonicTime)>& before) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] {
      return finished_ || (next_deadline_locked().has_value() && *next_deadline_locked() <= limit);
    });
    if (finished_) return false;
    before(*next_deadline_locked());
    const Duration step = *next_deadline_locked() - mono_;
    mono_ += step;
    now_ += std::chrono::duration_cast<SystemTime::duration>(step);
    cv_.notify_all();
    return true;
  }
  void finish() {
    std::lock_guard lock(mu_);
    finished_ = true;
    cv_.notify_all();
  }

 private:
  std::optional<MonotonicTime> next_deadline_locked() const {
    const auto it = deadlines_.upper_bound(mono_);
    if (it == deadlines_.end()) return std::nullopt;
    return *it;
  }

  mutable std::mutex mu_;
  mutable std::condition_variable_any cv_;
  SystemTime now_ = SystemTime(std::chrono::seconds(1'795'000'000));
  MonotonicTime mono_ = MonotonicTime(std::chrono::hours(1));
  mutable std::multiset<MonotonicTime> deadlines_;
  bool finished_ = false;
};

TEST(LeaderElectionRunTest, LosingRenewalCancelsWorkBeforeOnStoppedLeading) {
  auto sink = std::make_shared<testing::CaptureSink>();
  SteppedClock clock;
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kDebug);
  FakeLeaseServer server;
  std::vector<std::string> order;
  std::mutex mu;
  MonotonicTime work_stopped_at{};
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
    std::lock_guard g(mu);
    work_stopped_at = clock.monotonic();
    order.push_back("work stopped");
  };
  callbacks.on_stopped_leading = [&](LeadershipEnd end, bool work_stopped) {
    std::lock_guard g(mu);
    order.push_back(std::string("stopped: ") + std::string(to_string(end)) +
                    (work_stopped ? "" : " (work still running)"));
  };
  LeaderElectionConfig config;
  config.identity = "a";
  config.work_stop_grace = std::chrono::hours(1);  // the work always stops in time here
  Candidate a(server, config, std::move(callbacks), clock, log);
  auto done = std::async(std::launch::async, [&] {
    const LeadershipEnd end = a.elector.run({});
    clock.finish();
    return end;
  });
  // Renewals succeed at t = 0 s and 2 s; the API server is gone from t = 4 s on.
  const MonotonicTime start = clock.monotonic();
  bool down = false;
  while (clock.advance_to_next_deadline(start + seconds(60), [&](MonotonicTime next) {
    if (!down && next - start >= seconds(4)) {
      down = true;
      std::lock_guard lock(server.mu);
      server.down = true;
    }
  })) {
  }
  EXPECT_EQ(done.get(), LeadershipEnd::kLost);
  // The round starting at 4 s retries at 6, 8 and 10 s and gives up before the renew deadline
  // counted from the last renewal (2 s + 10 s): work stops at 10 s, 5 s before a standby that saw
  // the t = 2 s renewal may take over (2 s + 15 s).
  EXPECT_EQ(work_stopped_at - start, seconds(10));
  EXPECT_EQ(order, (std::vector<std::string>{"work stopped", "stopped: lost"}));
  EXPECT_EQ(server.record->holder_identity, "a");  // nothing released on a loss
  EXPECT_NE(sink->all().find("leader election lost"), std::string::npos);
}

TEST_F(LeaderElectionTest, CleanStopReleasesOnlyAfterWorkStopped) {
  std::promise<void> started;
  bool released_before_work_ended = false;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token stop) {
    started.set_value();
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
    released_before_work_ended = record().holder_identity.empty();
  };
  LeadershipEnd seen = LeadershipEnd::kNeverLed;
  callbacks.on_stopped_leading = [&](LeadershipEnd end, bool) { seen = end; };
  auto a = candidate("a", seconds(15), std::move(callbacks));
  std::stop_source stop;
  auto done = std::async(std::launch::async, [&] { return a->elector.run(stop.get_token()); });
  started.get_future().wait();
  stop.request_stop();
  EXPECT_EQ(done.get(), LeadershipEnd::kStopped);
  EXPECT_EQ(seen, LeadershipEnd::kStopped);
  EXPECT_FALSE(released_before_work_ended);
  EXPECT_EQ(record().holder_identity, "");
  EXPECT_EQ(record().lease_duration_seconds, 1);
}

TEST_F(LeaderElectionTest, StandbyStoppedWhileWaitingNeverLeads) {
  auto a = candidate("a");
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  bool stopped_called = false;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [](std::stop_token) { ADD_FAILURE() << "must not lead"; };
  callbacks.on_stopped_leading = [&](LeadershipEnd end, bool) {
    stopped_called = end == LeadershipEnd::kNeverLed;
  };
  auto b = candidate("b", seconds(15), std::move(callbacks));
  std::stop_source stop;
  auto done = std::async(std::launch::async, [&] { return b->elector.run(stop.get_token()); });
  clock_.await_sleepers(1);  // b tried once and waits out a jittered retry period
  stop.request_stop();
  EXPECT_EQ(done.get(), LeadershipEnd::kNeverLed);
  EXPECT_TRUE(stopped_called);
  EXPECT_EQ(record().holder_identity, "a");
}

TEST_F(LeaderElectionTest, HealthCheckFailsWhenALeaderStopsRenewing) {
  auto a = candidate("a");
  ASSERT_TRUE(a->elector.try_acquire_or_renew({}));
  EXPECT_TRUE(a->elector.healthy(seconds(20)));
  clock_.advance(seconds(35));
  EXPECT_TRUE(a->elector.healthy(seconds(20)));
  clock_.advance(seconds(1));
  EXPECT_FALSE(a->elector.healthy(seconds(20)));
}

}  // namespace
}  // namespace orderops::runtime
