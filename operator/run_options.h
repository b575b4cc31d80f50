// The flags of `orderops run` (api.md section 7) and the environment it reads, parsed and checked
// once at start-up. Value types; not thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "common/error.h"

namespace orderops::cli {

struct RunOptions {
  std::string file;      // -f, --filename: the manifest (required)
  std::string name;      // --name: which resource when the file holds several
  std::string task;      // --task: aftersales | sync | download-bill | retry | unfreeze
  bool dry_run = false;  // --dry-run: forces spec.dryRun on
  // --secrets-dir: files <dir>/<secret>/<key> instead of the cluster.
  std::optional<std::string> secrets_dir;
  std::string kubeconfig;  // --kubeconfig (else $KUBECONFIG, in-cluster, ~/.kube/config)
  std::string context;     // --context: a kubeconfig context other than the current one
  bool verbose = false;    // -v: JSON log lines on stderr
  bool help = false;
};

// What `run` reads from the environment (operator/ is the only place that calls getenv).
struct RunEnvironment {
  std::string kubeconfig;    // $KUBECONFIG
  std::string service_host;  // $KUBERNETES_SERVICE_HOST
  std::string service_port;  // $KUBERNETES_SERVICE_PORT
  std::string home;          // $HOME
};

// kInvalid naming the flag (exit 2).
Result<RunOptions> parse_run_options(std::span<const std::string> args);
RunEnvironment read_run_environment();
std::string run_usage();

}  // namespace orderops::cli
