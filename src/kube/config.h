// Where the API server is and how to authenticate: kubeconfig files (the --kubeconfig flag, the
// merged $KUBECONFIG list, ~/.kube/config) or the in-cluster service account, in
// controller-runtime's precedence. TLS verification is always on: insecure-skip-tls-verify is
// refused. Environment values arrive in ConfigSources (no getenv here). Pure apart from file reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace orderops::kube {

struct ClusterConfig {
  std::string server;  // "https://host:port" (http:// is accepted for loopback test servers)
  std::string ca_pem;  // trusted CA bundle (PEM); empty: the system roots
  std::string tls_server_name;
  std::string bearer_token;  // fixed token, or
  std::string token_file;    // a file re-read every 60 s (see TokenSource)
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string ns;  // the context's namespace, or the pod's namespace in cluster
  bool in_cluster = false;
  std::string source;  // "kubeconfig <path>", "in-cluster": for logs
  // Client-side rate limit (controller-runtime raises client-go's 5/10 to 20/30).
  double qps = 20;
  int burst = 30;
};

struct ConfigSources {
  std::string kubeconfig_flag;  // --kubeconfig
  std::string kubeconfig_env;   // $KUBECONFIG (":"-separated list)
  std::string service_host;     // $KUBERNETES_SERVICE_HOST
  std::string service_port;     // $KUBERNETES_SERVICE_PORT
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::string home;     // $HOME
  std::string context;  // a context other than current-context (optional)
};

// controller-runtime's order: --kubeconfig, $KUBECONFIG, in-cluster, $HOME/.kube/config.
Result<ClusterConfig> load_config(const ConfigSources& sources);

// Merges the files as client-go does (for each map entry and for current-context the first file
// that sets it wins; missing files are skipped unless `require_all`), then resolves the context.
Result<ClusterConfig> load_kubeconfig(const std::vector<std::string>& paths,
                                      std::string_view context = {}, bool require_all = true);

// The service account mounted into the pod (host, port, token, ca.crt, namespace).
Result<ClusterConfig> load_in_cluster(std::string_view host, std::string_view port,
                                      const std::string& service_account_dir);

}  // namespace orderops::kube
