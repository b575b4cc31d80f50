#include "manager_options.h"

#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "common/flags.h"
#include "common/go_duration.h"
#include "runtime/leader_election.h"

namespace orderops::cli {
namespace {

constexpr const char* kUsageText =
    "usage: orderops manager [flags]\n"
    "\n"
    "Runs the controller manager: informers for AftersalesTimeoutPolicy, ProfitShareSchedule and\n"
    "Secrets, leader election on a Lease, /metrics and /healthz + /readyz.\n"
    "\n"
    "  --kubeconfig PATH                  (else $KUBECONFIG, in-cluster, ~/.kube/config)\n"
    "  --namespace NS                     watch one namespace (default: all)\n"
    "  --leader-elect=BOOL                elect a leader on a Lease (default true)\n"
    "  --leader-election-id NAME          Lease name (default orderops-leader)\n"
    "  --leader-election-namespace NS     (default: the pod's namespace in cluster, else default)\n"
    "  --lease-duration DUR               (default 15s)\n"
    "  --renew-deadline DUR               (default 10s)\n"
    "  --retry-period DUR                 (default 2s)\n"
    "  --metrics-bind-address ADDR        (default :8080; 0 disables)\n"
    "  --health-probe-bind-address ADDR   (default :8081; 0 disables)\n"
    "  --max-concurrent-runs N            (default 4)\n"
    "  --request-timeout DUR              one API request (default 30s)\n"
    "  --kube-api-qps N                   client-side limit of API requests per second\n"
    "                                     (default 0: none, the server's fairness rules)\n"
    "  --kube-api-burst N                 burst above that limit (default: 2 x qps)\n"
    "  --log-format json|text             (default json)\n"
    "  --log-level debug|info|warn|error  (default info)\n";

// FlagSet takes booleans as `--flag` or `--flag=value`; api.md also allows `--flag value`.
std::vector<std::string> join_bool_values(std::span<const std::string> args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--leader-elect" && i + 1 < args.size() &&
        (args[i + 1] == "true" || args[i + 1] == "false")) {
      out.push_back("--leader-elect=" + args[++i]);
    } else {
      out.push_back(args[i]);
    }
  }
  return out;
}

Status parse_duration(const std::string& flag, const std::string& text, Duration& out) {
  auto d = parse_go_duration(text);
  if (!d) return invalid(flag + ": " + d.error().message);
  if (*d <= Duration::zero()) return invalid(flag + ": must be positive");
  out = *d;
  return {};
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::string manager_usage() { return kUsageText; }

Result<ManagerOptions> parse_manager_options(std::span<const std::string> raw) {
  ManagerOptions o;
  std::string lease = "15s", renew = "10s", retry = "2s", format = "json", level = "info";
  std::string request_timeout = "30s";
  FlagSet flags("orderops manager");
  flags.add_string("--kubeconfig", &o.kubeconfig, "kubeconfig file");
  flags.add_string("--namespace", &o.ns, "watch one namespace");
  flags.add_bool("--leader-elect", &o.leader_elect, "elect a leader");
  flags.add_string("--leader-election-id", &o.leader_election_id, "Lease name");
  flags.add_optional_string("--leader-election-namespace", &o.leader_election_namespace,
                            "Lease namespace");
  flags.add_string("--lease-duration", &lease, "lease duration");
  flags.add_string("--renew-deadline", &renew, "renew deadline");
  flags.add_string("--retry-period", &retry, "retry period");
  flags.add_string("--metrics-bind-address", &o.metrics_bind_address, "metrics address");
  flags.add_string("--health-probe-bind-address", &o.health_probe_bind_address, "probe address");
  flags.add_int("--max-concurrent-runs", &o.max_concurrent_runs, "runs in parallel");
  flags.add_string("--request-timeout", &request_timeout, "deadline of one API request");
  flags.add_int("--kube-api-qps", &o.kube_api_qps, "API requests per second");
  flags.add_int("--kube-api-burst", &o.kube_api_burst, "burst of API requests");
  flags.add_string("--log-format", &format, "json or text");
  flags.add_string("--log-level", &level, "debug, info, warn or error");
  flags.add_bool("--help,-h", &o.help, "show help");
  const std::vector<std::string> args = join_bool_values(raw);
  auto positional = flags.parse(args);
  if (!positional) return std::unexpected(positional.error());
  if (o.help) return o;
  if (!positional->empty())
    return invalid("manager: unexpected argument \"" + positional->front() + "\"");
  for (auto st : {parse_duration("--lease-duration", lease, o.lease_duration),
                  parse_duration("--renew-deadline", renew, o.renew_deadline),
                  parse_duration("--retry-period", retry, o.retry_period),
                  parse_duration("--request-timeout", request_timeout, o.request_timeout)}) {
    if (!st) return std::unexpected(st.error());
  }
  auto f = parse_log_format(format);
  if (!f) return invalid("--log-format: " + f.error().message);
  o.log_format = *f;
  auto l = parse_log_level(level);
  if (!l) return invalid("--log-level: " + l.error().message);
  o.log_level = *l;
  if (o.leader_elect) {
    runtime::LeaderElectionConfig election;
    election.identity = "validation";
    election.lease_duration = o.lease_duration;
    election.renew_deadline = o.renew_deadline;
    election.retry_period = o.retry_period;
    if (auto st = runtime::validate(election); !st) return std::unexpected(st.error());
  }
  if (o.max_concurrent_runs < 1) return invalid("--max-concurrent-runs: must be at least 1");
  if (o.kube_api_qps < 0) return invalid("--kube-api-qps: must not be negative");
  if (o.kube_api_burst < 0) return invalid("--kube-api-burst: must not be negative");
  if (o.kube_api_burst > 0 && o.kube_api_qps == 0) {
    return invalid("--kube-api-burst: needs --kube-api-qps (no limit is set)");
  }
  if (o.kube_api_qps > 0 && o.kube_api_burst == 0) o.kube_api_burst = 2 * o.kube_api_qps;
  if (o.leader_election_id.empty()) return invalid("--leader-election-id: must not be empty");
  return o;
}

ManagerEnvironment read_manager_environment() {
  ManagerEnvironment out{env("KUBECONFIG"),
                         env("KUBERNETES_SERVICE_HOST"),
                         env("KUBERNETES_SERVICE_PORT"),
                         env("HOME"),
                         {}};
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) out.hostname = host;
  if (out.hostname.empty()) out.hostname = "orderops";
  return out;
}

}  // namespace orderops::cli
