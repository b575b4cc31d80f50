#include "run_options.h"

#include <cstdlib>

#include "common/flags.h"

namespace orderops::cli {
namespace {

constexpr const char* kUsageText =
    "usage: orderops run -f RESOURCE.yaml [--task T] [--dry-run] [--secrets-dir DIR] [-v]\n"
    "\n"
    "Executes one task of a resource manifest once, now, outside the cluster, with the code the\n"
    "manager runs; prints a summary table on stdout. It replaces `php bin/console\n"
    "aftersales:process-timeout` and the `wechat:profit-share:*` commands for manual use.\n"
    "Nothing is written to the cluster (no status, no events); spec.suspend and the schedule do\n"
    "not apply, spec.activeDeadlineSeconds does (outcome DeadlineExceeded). SIGINT/SIGTERM\n"
    "cancel the run between batches (a second one exits at once; PostgreSQL rolls back).\n"
    "\n"
    "  -f, --filename FILE  YAML or JSON manifest; other kinds (Secrets, ...) are skipped\n"
    "  --name NAME          the resource to run when FILE holds several\n"
    "  --task T             AftersalesTimeoutPolicy: aftersales (the default and only task);\n"
    "                       ProfitShareSchedule (required): sync, download-bill, retry, unfreeze\n"
    "  --dry-run            compute and report what would change, change nothing (also when\n"
    "                       spec.dryRun is true)\n"
    "  --secrets-dir DIR    read Secrets from files DIR/<secret>/<key> instead of the cluster\n"
    "  --kubeconfig PATH    for Secrets from the cluster (else $KUBECONFIG, in-cluster,\n"
    "                       ~/.kube/config)\n"
    "  --context NAME       kubeconfig context (default: the current one)\n"
    "  -v, --verbose        JSON log lines on stderr (default: errors only)\n"
    "\n"
    "The run ID is <name>-manual-<hash> (PSS: <name>-<task>-manual-<hash>) of the token\n"
    "\"cli-<RFC 3339 start time, microseconds>\"; audit rows carry it. A manifest without\n"
    "metadata.namespace runs in the kubeconfig context's namespace, else \"default\".\n"
    "\n"
    "Exit status:\n"
    "  0  the run Succeeded\n"
    "  1  the run did not succeed: Failed, PartiallyFailed (some rows failed), DeadlineExceeded,\n"
    "     Cancelled; or the cluster or database could not be used (unreachable, refused)\n"
    "  2  bad input: flags, an unreadable or invalid manifest (the message names the field), a\n"
    "     --task that does not fit the kind, a missing Secret or key\n";

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::string run_usage() { return kUsageText; }

Result<RunOptions> parse_run_options(std::span<const std::string> args) {
  RunOptions o;
  FlagSet flags("orderops run");
  flags.add_string("--filename,-f", &o.file, "manifest file");
  flags.add_string("--name", &o.name, "resource name");
  flags.add_string("--task", &o.task, "task to run");
  flags.add_bool("--dry-run", &o.dry_run, "change nothing");
  flags.add_optional_string("--secrets-dir", &o.secrets_dir, "Secrets as files <secret>/<key>");
  flags.add_string("--kubeconfig", &o.kubeconfig, "kubeconfig file");
  flags.add_string("--context", &o.context, "kubeconfig context");
  flags.add_bool("--verbose,-v", &o.verbose, "log to stderr");
  flags.add_bool("--help,-h", &o.help, "show help");
  auto positional = flags.parse(args);
  if (!positional) return std::unexpected(positional.error());
  if (o.help) return o;
  if (!positional->empty()) {
    return invalid("run: unexpected argument \"" + positional->front() +
                   "\" (the manifest goes after -f)");
  }
  if (o.file.empty()) return invalid("run: -f RESOURCE.yaml is required");
  if (o.secrets_dir && o.secrets_dir->empty()) return invalid("--secrets-dir: must not be empty");
  return o;
}

RunEnvironment read_run_environment() {
  return {env("KUBECONFIG"), env("KUBERNETES_SERVICE_HOST"), env("KUBERNETES_SERVICE_PORT"),
          env("HOME")};
}

}  // namespace orderops::cli
