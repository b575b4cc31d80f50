#include "run_secrets.h"

#include <filesystem>

#include "kube/client.h"
#include "kube/config.h"
#include "kube/http_transport.h"
#include "reconcile/secret_source.h"

namespace orderops::cli {
namespace {

// One GET per Secret; a CLI user waits for it, so do not wait as long as the manager would.
constexpr Duration kRequestTimeout = std::chrono::seconds(15);

}  // namespace

RunSecrets::~RunSecrets() = default;

Result<std::unique_ptr<RunSecrets>> RunSecrets::open(const RunOptions& options,
                                                     const RunEnvironment& env, const Clock& clock,
                                                     const Logger& log) {
  std::unique_ptr<RunSecrets> out(new RunSecrets());
  if (options.secrets_dir) {
    const std::filesystem::path dir(*options.secrets_dir);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return invalid("--secrets-dir " + dir.string() + ": not a directory");
    }
    out->source_ = std::make_unique<reconcile::DirectorySecretSource>(dir);
    out->description_ = "directory " + dir.string();
    return out;
  }

  kube::ConfigSources sources;
  sources.kubeconfig_flag = options.kubeconfig;
  sources.kubeconfig_env = env.kubeconfig;
  sources.service_host = env.service_host;
  sources.service_port = env.service_port;
  sources.home = env.home;
  sources.context = options.context;
  auto config = kube::load_config(sources);
  if (!config) {
    return std::unexpected(
        config.error().wrap("no --secrets-dir, so Secrets come from the cluster"));
  }
  log.info("kubernetes configuration loaded",
           {{"source", config->source}, {"server", config->server}});
  kube::HttpTransportOptions transport_options;
  transport_options.default_timeout = kRequestTimeout;
  transport_options.stream_header_timeout = kRequestTimeout;
  transport_options.user_agent = "orderops-run";
  auto transport =
      kube::HttpTransport::create(*config, clock, log.named("kube"), transport_options);
  if (!transport) return std::unexpected(transport.error().wrap("kubernetes client"));
  out->transport_ = std::move(*transport);
  out->client_ = std::make_unique<kube::Client>(*out->transport_, clock, log.named("kube"));
  out->source_ = std::make_unique<reconcile::ClusterSecretSource>(*out->client_);
  if (!config->ns.empty()) out->default_namespace_ = config->ns;
  out->description_ = "cluster " + config->server;
  return out;
}

}  // namespace orderops::cli
