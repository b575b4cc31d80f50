#include "manager_options.h"

#include <gtest/gtest.h>

namespace orderops::cli {
namespace {

using std::chrono::seconds;

Result<ManagerOptions> parse(std::vector<std::string> args) { return parse_manager_options(args); }

TEST(ManagerOptionsTest, DefaultsFollowApiMd) {
  auto o = parse({});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->leader_elect);
  EXPECT_EQ(o->leader_election_id, "orderops-leader");
  EXPECT_FALSE(o->leader_election_namespace);
  EXPECT_EQ(o->lease_duration, seconds(15));
  EXPECT_EQ(o->renew_deadline, seconds(10));
  EXPECT_EQ(o->retry_period, seconds(2));
  EXPECT_EQ(o->metrics_bind_address, ":8080");
  EXPECT_EQ(o->health_probe_bind_address, ":8081");
  EXPECT_EQ(o->max_concurrent_runs, 4);
  EXPECT_EQ(o->kube_api_qps, 0);  // no client-side limit, as controller-runtime since 2025
  EXPECT_EQ(o->kube_api_burst, 0);
  EXPECT_EQ(o->log_format, LogFormat::kJson);
  EXPECT_EQ(o->log_level, LogLevel::kInfo);
  EXPECT_EQ(o->ns, "");
}

TEST(ManagerOptionsTest, BothFlagForms) {
  auto o = parse({"--kubeconfig", "/k", "--namespace=shop", "--leader-elect=false",
                  "--leader-election-id", "x", "--leader-election-namespace=ops",
                  "--lease-duration", "4s", "--renew-deadline=3s", "--retry-period", "1s",
                  "--metrics-bind-address=127.0.0.1:9090", "--health-probe-bind-address", ":0",
                  "--max-concurrent-runs=8", "--log-format", "text", "--log-level=debug"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->kubeconfig, "/k");
  EXPECT_EQ(o->ns, "shop");
  EXPECT_FALSE(o->leader_elect);
  EXPECT_EQ(o->leader_election_id, "x");
  EXPECT_EQ(*o->leader_election_namespace, "ops");
  EXPECT_EQ(o->lease_duration, seconds(4));
  EXPECT_EQ(o->renew_deadline, seconds(3));
  EXPECT_EQ(o->retry_period, seconds(1));
  EXPECT_EQ(o->metrics_bind_address, "127.0.0.1:9090");
  EXPECT_EQ(o->health_probe_bind_address, ":0");
  EXPECT_EQ(o->max_concurrent_runs, 8);
  EXPECT_EQ(o->log_format, LogFormat::kText);
  EXPECT_EQ(o->log_level, LogLevel::kDebug);
  auto spaced = parse({"--leader-elect", "false"});
  ASSERT_TRUE(spaced);
  EXPECT_FALSE(spaced->leader_elect);
  EXPECT_TRUE(parse({"--leader-elect"})->leader_elect);
}

// For API servers without Priority and Fairness a client-side limit can be set.
TEST(ManagerOptionsTest, ClientSideApiLimitCanBeSet) {
  auto o = parse({"--kube-api-qps", "200", "--kube-api-burst=300"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->kube_api_qps, 200);
  EXPECT_EQ(o->kube_api_burst, 300);
  auto doubled = parse({"--kube-api-qps", "20"});
  ASSERT_TRUE(doubled) << doubled.error().message;
  EXPECT_EQ(doubled->kube_api_burst, 40);
}

TEST(ManagerOptionsTest, BadInputNamesTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string want;
  };
  const Case cases[] = {
      {{"--lease-duration", "15"}, "--lease-duration"},
      {{"--retry-period", "-1s"}, "--retry-period"},
      {{"--lease-duration", "10s"}, "lease duration must be greater"},
      {{"--renew-deadline", "2s"}, "1.2 x the retry period"},
      {{"--log-format", "xml"}, "--log-format"},
      {{"--log-level", "loud"}, "--log-level"},
      {{"--max-concurrent-runs", "0"}, "--max-concurrent-runs"},
      {{"--kube-api-qps", "-1"}, "--kube-api-qps"},
      {{"--kube-api-burst", "-1"}, "--kube-api-burst"},
      {{"--kube-api-burst", "30"}, "--kube-api-burst"},
      {{"--bogus"}, "unknown flag --bogus"},
      {{"stray"}, "unexpected argument"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.want);
    auto o = parse(c.args);
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find(c.want), std::string::npos) << o.error().message;
  }
  // Durations are only checked against each other when electing.
  EXPECT_TRUE(parse({"--leader-elect=false", "--lease-duration", "1s"}));
}

}  // namespace
}  // namespace orderops::cli
