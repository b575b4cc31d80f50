// The flags of `orderops manager` (api.md section 7), parsed and validated into typed options.
// Environment values the manager needs are gathered here too, so nothing else calls getenv().
// Not thread-safe (start-up only).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"

namespace orderops::cli {

struct ManagerOptions {
  std::string kubeconfig;
  std::string ns;  // watch one namespace; empty: all
  bool leader_elect = true;
  std::string leader_election_id = "orderops-leader";
  std::optional<std::string> leader_election_namespace;
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
  std::string metrics_bind_address = ":8080";
  std::string health_probe_bind_address = ":8081";
  std::int64_t max_concurrent_runs = 4;
  // Deadline of one API request (and of a watch's response headers); not in api.md: for slow
  // clusters and for tests that make the API server hang.
  Duration request_timeout = std::chrono::seconds(30);
  // Client-side limit of requests to the API server; not in api.md. Off by default (0), as in
  // controller-runtime since it left throttling to the server's API Priority and Fairness:
  // thousands of resources need a status write each, and 20/s made them wait minutes.
  // Installations whose API server lacks APF can set a limit.
  std::int64_t kube_api_qps = 0;
  std::int64_t kube_api_burst = 0;
  LogFormat log_format = LogFormat::kJson;
  LogLevel log_level = LogLevel::kInfo;
  bool help = false;
};

// Errors name the flag; the caller prints them and exits 2.
Result<ManagerOptions> parse_manager_options(std::span<const std::string> args);
std::string manager_usage();

// What the manager reads from its environment.
struct ManagerEnvironment {
  std::string kubeconfig;    // $KUBECONFIG
  std::string service_host;  // $KUBERNETES_SERVICE_HOST
  std::string service_port;  // $KUBERNETES_SERVICE_PORT
  std::string home;          // $HOME
  std::string hostname;      // gethostname()
};
ManagerEnvironment read_manager_environment();

}  // namespace orderops::cli
