#include "wiring.h"

#include <random>

#include "kube/client.h"
#include "kube/config.h"
#include "kube/http_transport.h"
#include "metrics/http_endpoints.h"
#include "metrics/metrics.h"
#include "reconcile/placeholder_reconciler.h"
#include "runtime/event_recorder.h"
#include "runtime/manager.h"
#include "runtime/status_writer.h"

namespace orderops::cli {
namespace {

constexpr std::string_view kComponent = "orderops-manager";
// controller-runtime's default SyncPeriod.
constexpr Duration kResyncPeriod = std::chrono::hours(10);

kube::ResourceType atp_resource() {
  return {"orderops.io", "v1alpha1", "aftersalestimeoutpolicies", "AftersalesTimeoutPolicy", true};
}
kube::ResourceType pss_resource() {
  return {"orderops.io", "v1alpha1", "profitshareschedules", "ProfitShareSchedule", true};
}

std::string uuid4(std::mt19937_64& random) {
  std::uniform_int_distribution<int> nibble(0, 15);
  const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    int v = nibble(random);
    if (i == 12) v = 4;              // version 4
    if (i == 16) v = 8 + (v & 0x3);  // RFC 4122 variant
    out.push_back(hex[v]);
  }
  return out;
}

}  // namespace

// Declaration order is construction order; destruction runs backwards, so the endpoints stop
// first and the transport goes last.
struct ManagerApp::Parts {
  Parts(const Clock& clock, Logger log) : clock(clock), log(std::move(log)) {}

  const Clock& clock;
  Logger log;
  std::string identity;
  std::unique_ptr<kube::HttpTransport> transport;
  std::unique_ptr<kube::Client> client;
  metrics::Metrics metrics;
  std::unique_ptr<runtime::EventRecorder> recorder;
  std::unique_ptr<runtime::StatusWriter> status;
  std::unique_ptr<runtime::Manager> manager;
  std::vector<std::unique_ptr<reconcile::PlaceholderReconciler>> reconcilers;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  std::unique_ptr<metrics::ProbeEndpoint> probe_endpoint;
};

ManagerApp::ManagerApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
ManagerApp::~ManagerApp() = default;

namespace {

Status add_placeholder(ManagerApp::Parts& p, const kube::ResourceType& type,
                       const std::string& ns) {
  runtime::Informer& informer = p.manager->informer(type, ns);
  reconcile::PlaceholderHooks hooks;
  metrics::Metrics& m = p.metrics;
  hooks.condition_set = [&m, kind = type.kind](const kube::ObjectKey& key,
                                               const kube::Condition& c) {
    m.set_resource_condition(kind, key.ns, key.name, c.type, c.status);
  };
  hooks.resource_gone = [&m, kind = type.kind](const kube::ObjectKey& key) {
    m.forget_resource(kind, key.ns, key.name);
  };
  p.reconcilers.push_back(std::make_unique<reconcile::PlaceholderReconciler>(
      type, informer.store(), *p.status, p.clock, p.log.named("reconcile"), std::move(hooks)));
  runtime::ControllerHooks controller_hooks;
  controller_hooks.reconciled = [&m, kind = type.kind](std::string_view result, Duration took) {
    m.observe_reconcile(kind, result, took);
  };
  controller_hooks.queue_depth = [&m, kind = type.kind](std::size_t depth) {
    m.set_workqueue_depth(kind, depth);
  };
  m.set_workqueue_depth(type.kind, 0);  // the series exists before the first key arrives
  runtime::Controller& controller =
      p.manager->add_controller({type.kind, 1}, *p.reconcilers.back(), std::move(controller_hooks));
  controller.watch(informer);
  return {};
}

Status start_endpoints(ManagerApp::Parts& p, const ManagerOptions& options) {
  if (options.metrics_bind_address != "0") {
    auto endpoint = metrics::MetricsEndpoint::start(options.metrics_bind_address, p.metrics);
    if (!endpoint) return std::unexpected(endpoint.error());
    p.metrics_endpoint = std::move(*endpoint);
    p.log.info("serving metrics",
               {{"address", options.metrics_bind_address}, {"port", p.metrics_endpoint->port()}});
  }
  if (options.health_probe_bind_address != "0") {
    runtime::Manager* manager = p.manager.get();
    auto endpoint = metrics::ProbeEndpoint::start(
        options.health_probe_bind_address, [manager] { return manager->healthy(); },
        [manager] { return manager->caches_synced(); });
    if (!endpoint) return std::unexpected(endpoint.error());
    p.probe_endpoint = std::move(*endpoint);
    p.log.info("serving probes", {{"address", options.health_probe_bind_address},
                                  {"port", p.probe_endpoint->port()}});
  }
  return {};
}

}  // namespace

namespace {

Result<kube::ClusterConfig> load_cluster(const ManagerOptions& options,
                                         const ManagerEnvironment& env, const Logger& log) {
  kube::ConfigSources sources;
  sources.kubeconfig_flag = options.kubeconfig;
  sources.kubeconfig_env = env.kubeconfig;
  sources.service_host = env.service_host;
  sources.service_port = env.service_port;
  sources.home = env.home;
  auto config = kube::load_config(sources);
  if (!config) return std::unexpected(config.error().wrap("kubernetes configuration"));
  log.info("kubernetes configuration loaded",
           {{"source", config->source}, {"server", config->server}});
  return config;
}

Status connect(ManagerApp::Parts& p, const kube::ClusterConfig& config,
               const ManagerOptions& options, std::mt19937_64& random) {
  kube::HttpTransportOptions transport_options;
  transport_options.default_timeout = options.request_timeout;
  transport_options.stream_header_timeout = options.request_timeout;
  transport_options.user_agent = "orderops-manager";
  auto transport =
      kube::HttpTransport::create(config, p.clock, p.log.named("kube"), transport_options);
  if (!transport) return std::unexpected(transport.error());
  p.transport = std::move(*transport);
  p.client = std::make_unique<kube::Client>(*p.transport, p.clock, p.log.named("kube"));
  p.recorder = std::make_unique<runtime::EventRecorder>(
      *p.client, p.clock, p.log.named("events"),
      runtime::EventRecorderConfig{
          {std::string(kComponent), p.identity}, 1000, 12, std::chrono::seconds(10), random()});
  p.status = std::make_unique<runtime::StatusWriter>(
      *p.client, p.clock, p.log.named("status"),
      runtime::StatusWriterConfig{.field_manager = std::string(kComponent), .seed = random()});
  return {};
}

runtime::ManagerConfig manager_config(ManagerApp::Parts& p, const kube::ClusterConfig& config,
                                      const ManagerOptions& options, std::uint64_t seed) {
  runtime::ManagerConfig out;
  out.seed = seed;
  out.informer.resync_period = kResyncPeriod;
  metrics::Metrics* metrics = &p.metrics;
  out.on_leader_change = [metrics](bool leading) { metrics->set_leader(leading); };
  if (!options.leader_elect) return out;
  runtime::LeaderElectionSettings settings;
  settings.lease_name = options.leader_election_id;
  // controller-runtime: the pod's namespace in cluster; api.md: "default" elsewhere.
  settings.lease_namespace = options.leader_election_namespace.value_or(
      config.in_cluster && !config.ns.empty() ? config.ns : "default");
  settings.election.identity = p.identity;
  settings.election.lease_duration = options.lease_duration;
  settings.election.renew_deadline = options.renew_deadline;
  settings.election.retry_period = options.retry_period;
  settings.election.release_on_cancel = true;
  p.log.info(
      "leader election enabled",
      {{"lease", settings.lease_namespace + "/" + settings.lease_name}, {"identity", p.identity}});
  out.leader_election = std::move(settings);
  return out;
}

}  // namespace

Result<std::unique_ptr<ManagerApp>> ManagerApp::build(const ManagerOptions& options,
                                                      const ManagerEnvironment& env,
                                                      const Clock& clock, Logger log) {
  auto p = std::make_unique<Parts>(clock, log);
  std::random_device device;
  std::mt19937_64 random((static_cast<std::uint64_t>(device()) << 32) ^ device());
  p->identity = env.hostname + "_" + uuid4(random);

  auto config = load_cluster(options, env, log);
  if (!config) return std::unexpected(config.error());
  if (auto st = connect(*p, *config, options, random); !st) return std::unexpected(st.error());
  runtime::ManagerConfig mc = manager_config(*p, *config, options, random());
  if (mc.leader_election) {
    if (auto st = runtime::validate(mc.leader_election->election); !st) {
      return std::unexpected(st.error());
    }
  }
  p->manager =
      std::make_unique<runtime::Manager>(*p->client, clock, log.named("manager"), std::move(mc));
  p->manager->set_event_recorder(p->recorder.get());

  // Informers: both kinds (with a placeholder reconciler each until the real ones land) and
  // Secrets (which the reconcilers will map to the resources that reference them).
  for (const auto& type : {atp_resource(), pss_resource()}) {
    if (auto st = add_placeholder(*p, type, options.ns); !st) return std::unexpected(st.error());
  }
  p->manager->informer(kube::secret_resource(), options.ns);

  if (auto st = start_endpoints(*p, options); !st) return std::unexpected(st.error());
  return std::unique_ptr<ManagerApp>(new ManagerApp(std::move(p)));
}

Status ManagerApp::run(std::stop_token stop) {
  parts_->recorder->start();
  Status result = parts_->manager->run(stop);
  parts_->recorder->stop();
  return result;
}

}  // namespace orderops::cli
