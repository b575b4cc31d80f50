#include "wiring.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>

#include "kube/client.h"
#include "kube/config.h"
#include "kube/http_transport.h"
#include "metrics/http_endpoints.h"
#include "metrics/metrics.h"
#include "metrics/run_metrics.h"
#include "reconcile/atp_reconciler.h"
#include "reconcile/credentials_probe.h"
#include "reconcile/database_probe.h"
#include "reconcile/pss_reconciler.h"
#include "reconcile/run_ledger.h"
#include "reconcile/secret_source.h"
#include "runs/run_pool.h"
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

// One connection to the API server: its transport (TLS, token, rate limiter) and client.
struct ApiConnection {
  std::unique_ptr<kube::HttpTransport> transport;
  std::unique_ptr<kube::Client> client;
};

// Declaration order is construction order; destruction runs backwards, so the endpoints stop
// first and the transport goes last.
struct ManagerApp::Parts {
  Parts(const Clock& clock, Logger log) : clock(clock), log(std::move(log)) {}

  const Clock& clock;
  Logger log;
  std::string identity;
  // The reconcilers' and informers' connection. Events and the Lease each get their own, with
  // its own client-side rate limiter, as controller-runtime gives its recorder and its leader
  // election their own clientsets: a flood of status writes (thousands of resources at start)
  // then neither drops events from a full queue nor delays lease renewals.
  ApiConnection api;
  ApiConnection events;
  ApiConnection lease;
  metrics::Metrics metrics;
  std::unique_ptr<runtime::EventRecorder> recorder;
  std::unique_ptr<runtime::StatusWriter> status;
  std::unique_ptr<runtime::Manager> manager;
  std::unique_ptr<metrics::RunMetrics> run_metrics;
  // The run engine: runs execute in the leader only (api.md section 3).
  std::unique_ptr<runs::RunPool> pool;
  reconcile::RunLedger ledger;
  std::unique_ptr<reconcile::PgDatabaseProbe> database_probe;
  std::unique_ptr<reconcile::StoreSecretSource> secrets;
  std::unique_ptr<reconcile::WechatCredentialsProbe> credentials_probe;
  std::vector<std::unique_ptr<runtime::Reconciler>> reconcilers;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  std::unique_ptr<metrics::ProbeEndpoint> probe_endpoint;
};

ManagerApp::ManagerApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
ManagerApp::~ManagerApp() = default;

namespace {

runtime::ControllerHooks controller_hooks(metrics::Metrics& m, const std::string& kind) {
  runtime::ControllerHooks hooks;
  hooks.reconciled = [&m, kind](std::string_view result, Duration took) {
    m.observe_reconcile(kind, result, took);
  };
  hooks.queue_depth = [&m, kind](std::size_t depth) { m.set_workqueue_depth(kind, depth); };
  m.set_workqueue_depth(kind, 0);  // the series exists before the first key arrives
  return hooks;
}

// Reconciles may wait on a database probe (up to its connect timeout); a few workers keep one
// unreachable shop database from delaying every other policy.
constexpr int kAtpWorkers = 4;

void observe_aftersales(metrics::RunMetrics& rm, const kube::ObjectKey& key,
                        const aftersales::AftersalesRunResult& result) {
  for (const auto& t : result.transitions()) {
    rm.add_aftersales_transitions(key.ns, key.name, t.from, t.to, t.count);
  }
  if (!result.backlog) return;
  rm.set_aftersales_backlog(key.ns, key.name, "pending_approval", result.backlog->pending_approval);
  rm.set_aftersales_backlog(key.ns, key.name, "pending_return", result.backlog->pending_return);
  rm.set_aftersales_backlog(key.ns, key.name, "pending_receive", result.backlog->pending_receive);
  rm.set_aftersales_oldest_overdue(key.ns, key.name, result.backlog->oldest_overdue_seconds);
}

void observe_run(metrics::RunMetrics& rm, const kube::ObjectKey& key, std::string_view task,
                 const api::RunRecord& r) {
  metrics::RunObservation o;
  o.ns = key.ns;
  o.name = key.name;
  o.task = task;
  o.outcome = api::to_string(r.outcome);
  o.trigger = api::to_string(r.trigger);
  o.completed = r.completion_time.value_or(r.start_time);
  o.duration = o.completed - r.start_time;
  o.succeeded = r.outcome == api::Outcome::kSucceeded;
  if (r.scheduled_time) o.lateness = r.start_time - *r.scheduled_time;
  rm.observe_run(o);
}

reconcile::EventSink event_sink(runtime::EventRecorder& recorder) {
  return [&recorder](const runtime::ObjectReference& ref, bool warning, std::string_view reason,
                     std::string_view message) {
    recorder.event(ref, warning ? runtime::EventType::kWarning : runtime::EventType::kNormal,
                   reason, message);
  };
}

reconcile::ConditionSink condition_sink(metrics::Metrics& m, const std::string& kind) {
  return [&m, kind](const kube::ObjectKey& key, std::string_view t, std::string_view status) {
    m.set_resource_condition(kind, key.ns, key.name, t, status);
  };
}

// Reports every WeChat Pay attempt to orderops_wechatpay_requests_total and its histogram.
class WechatPayMetrics final : public wechatpay::RequestObserver {
 public:
  explicit WechatPayMetrics(metrics::RunMetrics& metrics) : metrics_(metrics) {}
  void on_attempt(const wechatpay::AttemptReport& r) override {
    metrics_.observe_wechatpay_request(r.endpoint, r.code, r.duration);
  }

 private:
  metrics::RunMetrics& metrics_;
};

void observe_profitshare(metrics::RunMetrics& rm, const kube::ObjectKey& key,
                         const profitshare::ProfitShareRunResult& r) {
  const std::string_view task = api::metric_name(r.task);
  for (const auto& inc : r.metric_increments) {
    rm.add_profitshare(key.ns, key.name, task, inc.label, inc.value);
  }
  if (r.orders_stuck) rm.set_profitshare_orders_stuck(key.ns, key.name, *r.orders_stuck);
  if (r.receivers_finally_failed) {
    rm.set_profitshare_receivers_finally_failed(key.ns, key.name, *r.receivers_finally_failed);
  }
}

// As for ATPs: a probe of the database or of WeChat Pay may take seconds.
constexpr int kPssWorkers = 4;

Status add_profitshare(ManagerApp::Parts& p, const kube::ResourceType& type,
                       const std::string& ns) {
  runtime::Informer& informer = p.manager->informer(type, ns);
  runtime::Informer& secrets = p.manager->informer(kube::secret_resource(), ns);
  metrics::Metrics& m = p.metrics;
  metrics::RunMetrics& rm = *p.run_metrics;
  auto controller_slot = std::make_shared<runtime::Controller*>(nullptr);
  reconcile::PssHooks hooks;
  hooks.condition_set = condition_sink(m, type.kind);
  hooks.resource_gone = [&m, kind = type.kind](const kube::ObjectKey& key) {
    m.forget_resource(kind, key.ns, key.name);
  };
  hooks.run_finished = [&rm](const kube::ObjectKey& key, api::Task task, const api::RunRecord& r) {
    observe_run(rm, key, api::metric_name(task), r);
  };
  hooks.job_result = [&rm](const kube::ObjectKey& key, const profitshare::ProfitShareRunResult& r) {
    observe_profitshare(rm, key, r);
  };
  reconcile::PssReconcilerDeps deps{
      type,
      informer.store(),
      *p.secrets,
      *p.database_probe,
      *p.credentials_probe,
      *p.pool,
      p.ledger,
      *p.status,
      event_sink(*p.recorder),
      reconcile::make_profitshare_job(std::make_shared<WechatPayMetrics>(rm)),
      [controller_slot](const kube::ObjectKey& key) {
        if (*controller_slot) (*controller_slot)->queue().add(key.to_string());
      },
      p.clock,
      p.log.named("profitshare"),
      std::move(hooks)};
  p.reconcilers.push_back(std::make_unique<reconcile::PssReconciler>(std::move(deps)));
  runtime::Controller& controller = p.manager->add_controller(
      {type.kind, kPssWorkers}, *p.reconcilers.back(), controller_hooks(m, type.kind));
  *controller_slot = &controller;
  controller.watch(informer, reconcile::changes_more_than_status);
  const runtime::Store& schedules = informer.store();
  controller.watch_mapped(secrets, [&schedules](const runtime::InformerEvent& e) {
    return reconcile::schedules_using_secret(schedules, *e.object);
  });
  return {};
}

Status add_aftersales(ManagerApp::Parts& p, const kube::ResourceType& type, const std::string& ns) {
  runtime::Informer& informer = p.manager->informer(type, ns);
  runtime::Informer& secrets = p.manager->informer(kube::secret_resource(), ns);
  metrics::Metrics& m = p.metrics;
  metrics::RunMetrics& rm = *p.run_metrics;
  runtime::EventRecorder& recorder = *p.recorder;
  // The controller is created after its reconciler, which needs to requeue into it.
  auto controller_slot = std::make_shared<runtime::Controller*>(nullptr);

  reconcile::AtpHooks hooks;
  hooks.condition_set = condition_sink(m, type.kind);
  hooks.resource_gone = [&m, kind = type.kind](const kube::ObjectKey& key) {
    m.forget_resource(kind, key.ns, key.name);
  };
  hooks.run_finished = [&rm](const kube::ObjectKey& key, const api::RunRecord& r) {
    observe_run(rm, key, "aftersales", r);
  };
  hooks.job_result = [&rm](const kube::ObjectKey& key, const aftersales::AftersalesRunResult& r) {
    observe_aftersales(rm, key, r);
  };
  reconcile::AtpReconcilerDeps deps{type,
                                    informer.store(),
                                    *p.secrets,
                                    *p.database_probe,
                                    *p.pool,
                                    p.ledger,
                                    *p.status,
                                    event_sink(recorder),
                                    reconcile::make_pg_aftersales_job(),
                                    [controller_slot](const kube::ObjectKey& key) {
                                      if (*controller_slot)
                                        (*controller_slot)->queue().add(key.to_string());
                                    },
                                    p.clock,
                                    p.log.named("aftersales"),
                                    std::move(hooks)};
  p.reconcilers.push_back(std::make_unique<reconcile::AtpReconciler>(std::move(deps)));
  runtime::Controller& controller = p.manager->add_controller(
      {type.kind, kAtpWorkers}, *p.reconcilers.back(), controller_hooks(m, type.kind));
  *controller_slot = &controller;
  controller.watch(informer, reconcile::changes_more_than_status);
  const runtime::Store& policies = informer.store();
  controller.watch_mapped(secrets, [&policies](const runtime::InformerEvent& e) {
    return reconcile::policies_using_secret(policies, *e.object);
  });
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
  config->qps = static_cast<double>(options.kube_api_qps);
  config->burst = static_cast<int>(options.kube_api_burst);
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
  for (ApiConnection* c : {&p.api, &p.events, &p.lease}) {
    auto transport =
        kube::HttpTransport::create(config, p.clock, p.log.named("kube"), transport_options);
    if (!transport) return std::unexpected(transport.error());
    c->transport = std::move(*transport);
    c->client = std::make_unique<kube::Client>(*c->transport, p.clock, p.log.named("kube"));
  }
  // client-go drops events beyond 1000 queued; a start with thousands of invalid resources
  // (one Warning each, under 1 KiB) would lose most of them, so the queue holds 10 000.
  p.recorder = std::make_unique<runtime::EventRecorder>(
      *p.events.client, p.clock, p.log.named("events"),
      runtime::EventRecorderConfig{
          {std::string(kComponent), p.identity}, 10000, 12, std::chrono::seconds(10), random()});
  p.status = std::make_unique<runtime::StatusWriter>(
      *p.api.client, p.clock, p.log.named("status"),
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
  settings.lease_client = p.lease.client.get();
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
  p->manager = std::make_unique<runtime::Manager>(*p->api.client, clock, log.named("manager"),
                                                  std::move(mc));
  p->manager->set_event_recorder(p->recorder.get());

  // The run engine lives for the whole process but runs only while leading: when leadership
  // ends every run is cancelled and the manager waits for them before the lease can pass on.
  p->run_metrics = std::make_unique<metrics::RunMetrics>(p->metrics);
  p->pool = std::make_unique<runs::RunPool>(
      clock, static_cast<std::size_t>(std::max<std::int64_t>(1, options.max_concurrent_runs)));
  p->database_probe = std::make_unique<reconcile::PgDatabaseProbe>(clock);
  p->credentials_probe =
      std::make_unique<reconcile::WechatCredentialsProbe>(clock, log.named("credentials"));
  p->secrets = std::make_unique<reconcile::StoreSecretSource>(
      p->manager->informer(kube::secret_resource(), options.ns).store());
  runs::RunPool* pool = p->pool.get();
  p->manager->add_leader_runnable("run-engine", [pool](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
    pool->cancel_all(runs::CancelReason::kLostLeadership);
    pool->wait_idle({});
  });

  // One controller per kind. Secrets are watched so a changed Secret re-reconciles the
  // resources that use it.
  if (auto st = add_aftersales(*p, atp_resource(), options.ns); !st) {
    return std::unexpected(st.error());
  }
  if (auto st = add_profitshare(*p, pss_resource(), options.ns); !st) {
    return std::unexpected(st.error());
  }

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
