// `orderops manager` processes against the test API server: leader election (one holder,
// failover after SIGKILL, hand-over on SIGTERM), survival of watch drops, compaction, 429/500
// bursts and a hanging server with the cache converging, and status writes meeting 409.
#include <gtest/gtest.h>

#include <sstream>

#include "integration/runtime/cluster.h"

namespace orderops::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string> kFastLeases = {"--lease-duration", "4s", "--renew-deadline", "3s",
                                              "--retry-period",   "1s"};
constexpr Duration kLease = seconds(4);
constexpr Duration kRetry = seconds(1);

double seconds_of(Duration d) { return std::chrono::duration<double>(d).count(); }

std::string metric_line(const std::string& metrics, const std::string& prefix) {
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

std::string metrics_of(Cluster& cluster, const ManagerProcess& m) {
  auto r = cluster.http_get(m.metrics_port, "/metrics");
  return r && r->first == 200 ? r->second : "";
}

bool leader_gauge(Cluster& cluster, const ManagerProcess& m, int value) {
  return metric_line(metrics_of(cluster, m), "orderops_leader ") ==
         "orderops_leader " + std::to_string(value);
}

// status.observedGeneration of an ATP, read through a LIST so the server's request log keeps
// object GETs for the manager alone.
std::int64_t observed_generation(Cluster& cluster, const std::string& name) {
  auto page = cluster.client().list(kAtp, "default", {.field_selector = "metadata.name=" + name});
  if (!page || page->items.empty()) return -1;
  const kube::Json& o = page->items.front();
  if (!o.contains("status") || !o["status"].is_object()) return 0;
  return o["status"].value("observedGeneration", std::int64_t{0});
}

bool converges(Cluster& cluster, const std::string& name, std::int64_t generation,
               Duration limit = seconds(30)) {
  return cluster.eventually(limit,
                            [&] { return observed_generation(cluster, name) == generation; });
}

TEST(ManagerLeaderElection, OneHolderFailoverOnKillAndHandoverOnTerm) {
  Cluster cluster;
  ManagerProcess a = cluster.start_manager(kFastLeases);
  ManagerProcess b = cluster.start_manager(kFastLeases);
  ASSERT_FALSE(a.identity.empty());
  ASSERT_NE(a.identity, b.identity);
  ASSERT_TRUE(cluster.eventually(seconds(10), [&] {
    const std::string h = cluster.lease_holder();
    return h == a.identity || h == b.identity;
  }));
  ManagerProcess* holder = cluster.lease_holder() == a.identity ? &a : &b;
  ManagerProcess* standby = holder == &a ? &b : &a;
  // Exactly one leads: the gauge agrees with the Lease and stays put over several renewals.
  ASSERT_TRUE(cluster.eventually(seconds(10), [&] {
    return leader_gauge(cluster, *holder, 1) && leader_gauge(cluster, *standby, 0);
  }));
  cluster.clock().sleep_for(seconds(3), {});
  EXPECT_EQ(cluster.lease_holder(), holder->identity);
  EXPECT_TRUE(leader_gauge(cluster, *standby, 0));
  for (const auto* m : {holder, standby}) {
    auto ready = cluster.http_get(m->probe_port, "/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->first, 200) << "followers keep warm caches too";
  }
  const int transitions = cluster.lease()["spec"].value("leaseTransitions", 0);

  // SIGKILL: nothing is released; the standby waits out the lease from its own observation.
  const MonotonicTime killed = cluster.clock().monotonic();
  holder->process->signal(SIGKILL);
  holder->process->wait_exit();
  ASSERT_TRUE(
      cluster.eventually(seconds(20), [&] { return cluster.lease_holder() == standby->identity; }));
  const Duration takeover = cluster.clock().monotonic() - killed;
  std::cout << "takeover after SIGKILL: " << seconds_of(takeover) << " s\n";
  // client-go's bound: the lease duration from the standby's last observation of a renewal,
  // each observation and attempt coming every retry period with jitter 1.2 (<= 2.2 RP).
  EXPECT_LE(takeover, kLease + 2 * (kRetry * 11 / 5) + seconds(2));
  EXPECT_GE(takeover, kLease - kRetry * 11 / 5);
  EXPECT_EQ(cluster.lease()["spec"].value("leaseTransitions", 0), transitions + 1);
  EXPECT_TRUE(cluster.eventually(seconds(5), [&] { return leader_gauge(cluster, *standby, 1); }));

  // SIGTERM: the leader stops its work, releases the Lease and exits 0; a standby takes over
  // on its next attempt instead of waiting for expiry.
  ManagerProcess c = cluster.start_manager(kFastLeases);
  cluster.clock().sleep_for(seconds(3), {});
  ASSERT_EQ(cluster.lease_holder(), standby->identity);
  const MonotonicTime termed = cluster.clock().monotonic();
  standby->process->signal(SIGTERM);
  ASSERT_TRUE(
      cluster.eventually(seconds(10), [&] { return cluster.lease_holder() == c.identity; }));
  const Duration handover = cluster.clock().monotonic() - termed;
  std::cout << "handover after SIGTERM: " << seconds_of(handover) << " s\n";
  EXPECT_LT(handover, kLease);  // no expiry wait
  EXPECT_EQ(standby->process->wait_exit(), 0);
  EXPECT_NE(standby->process->stderr_text().find("released lease"), std::string::npos);
}

TEST(ManagerLeaderElection, LeaderThatCannotRenewStopsAndExitsNonZero) {
  Cluster cluster;
  ManagerProcess a = cluster.start_manager(kFastLeases);
  ASSERT_TRUE(
      cluster.eventually(seconds(10), [&] { return cluster.lease_holder() == a.identity; }));
  ManagerProcess b = cluster.start_manager(kFastLeases);
  // Lease requests hang, then fail: the leader cannot renew within its 3 s renew deadline.
  cluster.admin("POST", "/faults",
                {{"pathPrefix", "/apis/coordination.k8s.io/v1/namespaces/default/leases"},
                 {"count", 6},
                 {"hangMilliseconds", 2000},
                 {"status", 500}});
  const MonotonicTime faulted = cluster.clock().monotonic();
  EXPECT_EQ(a.process->wait_exit(), 1);
  const Duration lost_after = cluster.clock().monotonic() - faulted;
  std::cout << "leader gave up after " << seconds_of(lost_after) << " s\n";
  EXPECT_LT(lost_after, kLease);  // gone before the lease could expire for a standby
  const std::string log = a.process->stderr_text();
  EXPECT_NE(log.find("leader election lost"), std::string::npos);
  // Leader-only work stopped before leadership was declared over and the process exited.
  const auto workers_stopped = log.find("\"msg\":\"workers stopped\"");
  const auto stopped_leading = log.find("\"msg\":\"stopped leading\"");
  ASSERT_NE(workers_stopped, std::string::npos);
  ASSERT_NE(stopped_leading, std::string::npos);
  EXPECT_LT(workers_stopped, stopped_leading);
  EXPECT_EQ(log.find("released lease"), std::string::npos);
  ASSERT_TRUE(
      cluster.eventually(seconds(20), [&] { return cluster.lease_holder() == b.identity; }));
  EXPECT_TRUE(cluster.eventually(seconds(5), [&] { return leader_gauge(cluster, b, 1); }));
}

TEST(ManagerResilience, CacheConvergesThroughDropsCompactionBurstsAndHangs) {
  Cluster cluster;
  ManagerProcess m = cluster.start_manager({"--request-timeout", "3s"});
  ASSERT_TRUE(
      cluster.eventually(seconds(15), [&] { return cluster.lease_holder() == m.identity; }));

  cluster.create_atp("a1", 10);
  ASSERT_TRUE(converges(cluster, "a1", 1));

  // A clean end of every watch: re-watch from the last resourceVersion.
  cluster.admin("POST", "/watches/drop", {{"mode", "clean"}});
  cluster.set_batch_size("a1", 20);
  ASSERT_TRUE(converges(cluster, "a1", 2));

  // Connections cut mid-stream.
  cluster.admin("POST", "/watches/drop", {{"mode", "abort"}});
  cluster.create_atp("a2", 10);
  ASSERT_TRUE(converges(cluster, "a2", 1));

  // An ERROR 410 event, then history compacted so the re-watch is too old as well: relist.
  cluster.admin("POST", "/watches/drop", {{"mode", "expired"}});
  cluster.admin("POST", "/compact", kube::Json::object());
  cluster.set_batch_size("a1", 30);
  ASSERT_TRUE(converges(cluster, "a1", 3));
  cluster.admin("POST", "/compact", kube::Json::object());
  cluster.admin("POST", "/watches/drop", {{"mode", "clean"}});
  cluster.set_batch_size("a2", 20);
  ASSERT_TRUE(converges(cluster, "a2", 2));

  // Bursts of 429 (Retry-After 1) and 500 on every path.
  cluster.admin("POST", "/faults", {{"count", 8}, {"status", 429}, {"retryAfterSeconds", 1}});
  cluster.admin("POST", "/faults", {{"count", 8}, {"status", 500}});
  cluster.admin("POST", "/watches/drop", {{"mode", "clean"}});
  cluster.set_batch_size("a1", 40);
  ASSERT_TRUE(converges(cluster, "a1", 4, seconds(60)));

  // A hanging server (longer than --request-timeout) for the resources' group.
  cluster.admin("POST", "/faults",
                {{"pathPrefix", "/apis/orderops.io"}, {"count", 3}, {"hangMilliseconds", 6000}});
  cluster.admin("POST", "/watches/drop", {{"mode", "clean"}});
  cluster.set_batch_size("a2", 30);
  ASSERT_TRUE(converges(cluster, "a2", 3, seconds(60)));

  // Still the same process, still leading, nothing restarted.
  EXPECT_TRUE(m.process->running());
  EXPECT_EQ(cluster.lease_holder(), m.identity);
  const std::string log = m.process->stderr_text();
  EXPECT_NE(log.find("watch ended with an error event"), std::string::npos);
  EXPECT_NE(log.find("request timed out"), std::string::npos);
  EXPECT_EQ(log.find("manager stopped"), std::string::npos);

  const std::string metrics = metrics_of(cluster, m);
  EXPECT_EQ(metric_line(metrics, "orderops_leader "), "orderops_leader 1");
  EXPECT_NE(
      metric_line(metrics,
                  "orderops_reconcile_total{kind=\"AftersalesTimeoutPolicy\",result=\"success\"}"),
      "");
  EXPECT_NE(
      metric_line(metrics,
                  "orderops_reconcile_duration_seconds_count{kind=\"AftersalesTimeoutPolicy\"}"),
      "");
  EXPECT_NE(metric_line(metrics, "orderops_workqueue_depth{kind=\"ProfitShareSchedule\"}"), "");
  // a1 names no database Secret, so the reconciler holds it at Ready=False.
  EXPECT_EQ(metric_line(metrics,
                        "orderops_resource_condition{kind=\"AftersalesTimeoutPolicy\","
                        "name=\"a1\",namespace=\"default\",status=\"False\","
                        "type=\"Ready\"}"),
            "orderops_resource_condition{kind=\"AftersalesTimeoutPolicy\",name=\"a1\","
            "namespace=\"default\",status=\"False\",type=\"Ready\"} 1");
  auto healthz = cluster.http_get(m.probe_port, "/healthz");
  auto readyz = cluster.http_get(m.probe_port, "/readyz");
  ASSERT_TRUE(healthz && readyz);
  EXPECT_EQ(healthz->first, 200);
  EXPECT_EQ(readyz->first, 200);

  m.process->signal(SIGTERM);
  EXPECT_EQ(m.process->wait_exit(), 0);
}

struct LoggedRequest {
  std::string method;
  std::string path;
  int status = 0;
};

std::vector<LoggedRequest> logged(Cluster& cluster, const std::string& path) {
  std::vector<LoggedRequest> out;
  for (const auto& line : cluster.requests(path)) {
    std::istringstream in(line);
    LoggedRequest r;
    in >> r.method >> r.path >> r.status;
    if (r.path == path) out.push_back(r);
  }
  return out;
}

TEST(ManagerStatusWriter, ConflictIsReReadAndRetriedWithoutATightLoop) {
  Cluster cluster;
  ManagerProcess m = cluster.start_manager({});
  ASSERT_TRUE(
      cluster.eventually(seconds(15), [&] { return cluster.lease_holder() == m.identity; }));
  const std::string object =
      "/apis/orderops.io/v1alpha1/namespaces/default/aftersalestimeoutpolicies/c1";
  cluster.admin(
      "POST", "/faults",
      {{"method", "PUT"}, {"pathPrefix", object + "/status"}, {"count", 1}, {"status", 409}});
  cluster.create_atp("c1", 10);
  ASSERT_TRUE(converges(cluster, "c1", 1));
  cluster.clock().sleep_for(seconds(2), {});  // anything looping would show up now

  const auto writes = logged(cluster, object + "/status");
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].method, "PUT");
  EXPECT_EQ(writes[0].status, 409);
  EXPECT_EQ(writes[1].method, "PUT");
  EXPECT_EQ(writes[1].status, 200);
  const auto reads = logged(cluster, object);
  ASSERT_EQ(reads.size(), 1u);  // one re-read of the object between the two writes
  EXPECT_EQ(reads[0].method, "GET");
  EXPECT_EQ(reads[0].status, 200);
  m.process->signal(SIGTERM);
  EXPECT_EQ(m.process->wait_exit(), 0);
}

TEST(ManagerFlags, BadDurationsAreBadInput) {
  ChildProcess p({std::string(std::getenv("ORDEROPS_BIN_DIR")) + "/orderops", "manager",
                  "--lease-duration", "3s", "--renew-deadline=3s"},
                 "/dev/null", "/tmp/orderops-manager-flags.err");
  EXPECT_EQ(p.wait_exit(), 2);
  EXPECT_NE(p.stderr_text().find("lease duration must be greater"), std::string::npos);
  ChildProcess q({std::string(std::getenv("ORDEROPS_BIN_DIR")) + "/orderops", "manager",
                  "--retry-period", "soon"},
                 "/dev/null", "/tmp/orderops-manager-flags.err");
  EXPECT_EQ(q.wait_exit(), 2);
}

}  // namespace
}  // namespace orderops::testing
