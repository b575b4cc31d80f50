// `orderops run -f RESOURCE.yaml [--task T] [--dry-run] [--secrets-dir DIR] [-v]` (api.md
// section 7): loads one resource from a manifest, reads its Secrets from files or the cluster and
// runs one task once on the manager's run engine (RunPool: activeDeadlineSeconds, cancellation),
// then prints a summary table. Exit 0 Succeeded, 1 anything else, 2 bad input.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <stop_token>
#include <thread>
#include <variant>

#include "api/manifest.h"
#include "api/run_id.h"
#include "api/task.h"
#include "commands.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/redact.h"
#include "common/time_format.h"
#include "pg/secret_scrubber.h"
#include "run_options.h"
#include "run_secrets.h"
#include "run_summary.h"
#include "run_task.h"
#include "shutdown_signals.h"

namespace orderops::cli {
namespace {

// Before any resource is loaded or Secret read: flags, manifest, --task, Secret names and keys
// are the user's to fix (exit 2); the cluster or database failing is not (exit 1).
int exit_code_for(const Error& e) {
  return e.code == ErrorCode::kInvalid || e.code == ErrorCode::kNotFound ? kExitBadInput
                                                                         : kExitFailed;
}

int report(const Error& e) {
  std::cerr << "orderops run: " << e.message << "\n";
  return exit_code_for(e);
}

// An ATP has one task (aftersales, also when --task is absent); a PSS has four and --task picks
// one. A task of the other kind is bad input.
Result<api::Task> choose_task(const api::Resource& resource, const std::string& flag) {
  const bool atp = std::holds_alternative<api::AftersalesTimeoutPolicy>(resource);
  if (flag.empty()) {
    if (atp) return api::Task::kAftersales;
    return invalid(
        "--task is required for a ProfitShareSchedule: one of sync, download-bill, "
        "retry, unfreeze");
  }
  auto task = api::parse_cli_task(flag);
  if (!task) return std::unexpected(task.error().wrap("--task"));
  if (atp && *task != api::Task::kAftersales) {
    return invalid("--task " + flag + ": an AftersalesTimeoutPolicy has one task, aftersales");
  }
  if (!atp && *task == api::Task::kAftersales) {
    return invalid(
        "--task aftersales: a ProfitShareSchedule's tasks are sync, download-bill, "
        "retry, unfreeze");
  }
  return task;
}

// The first SIGINT/SIGTERM cancels the run (it stops between batches and reports Cancelled); a
// second one ends the process at once: PostgreSQL rolls back what was in flight.
void on_signal(int sig, std::stop_source& interrupt, std::atomic<int>& received) {
  if (received.exchange(sig) != 0) {
    constexpr std::string_view kBye = "orderops run: interrupted again, exiting now\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, kBye.data(), kBye.size());
    std::_Exit(kExitFailed);
  }
  interrupt.request_stop();
}

std::string signal_name(int sig) { return sig == SIGTERM ? "SIGTERM" : "SIGINT"; }

// One run on the manager's run engine: the pool bounds it by activeDeadlineSeconds
// (DeadlineExceeded); an interrupt stops the job through the same token.
api::RunRecord execute(const PreparedRun& prepared, const std::string& run_id, const Clock& clock,
                       std::stop_token interrupt) {
  runs::RunPool pool(clock, 1);
  std::promise<api::RunRecord> finished;
  runs::RunRequest request;
  request.record.run_id = run_id;
  request.record.trigger = api::Trigger::kManual;
  request.record.dry_run = prepared.dry_run;
  request.owner = "cli";
  request.active_deadline = prepared.active_deadline;
  TaskRun& task = *prepared.task;
  request.work = [&task, interrupt](const runs::RunContext& rc) {
    std::stop_source stop;
    std::stop_callback on_pool(rc.stop, [&stop] { stop.request_stop(); });
    std::stop_callback on_interrupt(interrupt, [&stop] { stop.request_stop(); });
    return task.execute(runs::RunContext{rc.run_id, stop.get_token()});
  };
  request.on_finished = [&finished](const api::RunRecord& r) { finished.set_value(r); };
  pool.submit(std::move(request));
  return finished.get_future().get();
}

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", std::chrono::duration<double>(d).count());
  return buf;
}

struct RunLabels {
  std::string run_id;
  std::string kind;
  std::string ns;
  std::string name;
  api::Task task;
  std::string secrets;
};

std::string summarize(const RunLabels& l, const PreparedRun& prepared, const api::RunRecord& record,
                      int interrupted_by) {
  SummaryTable table;
  table.add("run", l.run_id,
            "(" + l.kind + " " + l.ns + "/" + l.name + (record.dry_run ? ", dry run" : "") + ")");
  if (api::is_profit_share(l.task)) table.add("task", std::string(api::cli_name(l.task)));
  if (!prepared.database_url.empty()) table.add("database", redact_dsn(prepared.database_url));
  table.add("secrets", l.secrets);
  const Duration took = record.completion_time.value_or(record.start_time) - record.start_time;
  table.add("outcome", std::string(api::to_string(record.outcome)), "(" + seconds_text(took) + ")");
  if (record.dry_run) table.add("mode", "dry run: nothing was changed");
  for (const auto& [label, value] : prepared.notes) table.add(label, value);
  prepared.task->describe(record, table);
  if (record.outcome != api::Outcome::kSucceeded) {
    std::string message = record.message;
    if (interrupted_by != 0)
      message = "interrupted by " + signal_name(interrupted_by) + "; " + message;
    table.add("message", message);
  }
  return table.render();
}

// Step 1: the resource and its task; everything here is the user's input (exit 2).
struct Target {
  api::Resource resource;
  api::Task task = api::Task::kAftersales;
};

Result<Target> load_target(const RunOptions& options) {
  auto resource = api::load_resource_file(options.file, options.name);
  if (!resource) return std::unexpected(resource.error());
  auto task = choose_task(*resource, options.task);
  if (!task) return std::unexpected(task.error());
  return Target{std::move(*resource), *task};
}

RunLabels labels_of(const Target& target, const RunSecrets& secrets, const Clock& clock) {
  const api::ObjectMeta& meta = api::metadata_of(target.resource);
  RunLabels out{{},
                std::string(api::kind_of(target.resource)),
                meta.namespace_name.empty() ? secrets.default_namespace() : meta.namespace_name,
                meta.name,
                target.task,
                secrets.description()};
  out.run_id =
      api::manual_run_id(meta.name, target.task, "cli-" + format_rfc3339_micro(clock.now()));
  return out;
}

Result<PreparedRun> prepare(const Target& target, const RunSetup& setup) {
  if (const auto* atp = std::get_if<api::AftersalesTimeoutPolicy>(&target.resource)) {
    return prepare_aftersales_run(*atp, setup);
  }
  return prepare_profitshare_run(std::get<api::ProfitShareSchedule>(target.resource), target.task,
                                 setup);
}

// Step 3: read the Secrets, run with SIGINT/SIGTERM watched, print the summary.
int run_target(const Target& target, const RunLabels& labels, const RunSecrets& secrets,
               bool force_dry_run, const sigset_t& signals, const Clock& clock, const Logger& log) {
  std::stop_source interrupt;
  std::atomic<int> received{0};
  std::jthread signal_thread =
      watch_shutdown_signals(signals, [&](int sig) { on_signal(sig, interrupt, received); });

  auto prepared = prepare(target, {secrets.source(), labels.ns, force_dry_run, clock, log});
  if (!prepared) return report(prepared.error());
  if (interrupt.stop_requested()) {
    std::cerr << "orderops run: interrupted before the run started; nothing was changed\n";
    return kExitFailed;
  }
  log.info("run started",
           {{"dryRun", prepared->dry_run}, {"database", redact_dsn(prepared->database_url)}});
  const api::RunRecord record = execute(*prepared, labels.run_id, clock, interrupt.get_token());
  log.info("run finished", {{"outcome", std::string(api::to_string(record.outcome))}});
  signal_thread.request_stop();
  signal_thread.join();

  // The job's messages come from libpq and the server; scrub them anyway, a password must never
  // reach a terminal or a CI log.
  const pg::SecretScrubber scrubber(prepared->database_url);
  std::cout << scrubber.scrub(summarize(labels, *prepared, record, received.load()));
  return record.outcome == api::Outcome::kSucceeded ? kExitOk : kExitFailed;
}

}  // namespace

int run_command(std::span<const std::string> args) {
  auto options = parse_run_options(args);
  if (!options) {
    std::cerr << options.error().message << "\n(see orderops run --help)\n";
    return kExitBadInput;
  }
  if (options->help) {
    std::cout << run_usage();
    return kExitOk;
  }
  // Before any thread exists, so every later thread inherits the mask.
  const sigset_t signals = block_shutdown_signals();
  SystemClock clock;
  const Logger log(make_stderr_sink(), clock, LogFormat::kJson,
                   options->verbose ? LogLevel::kInfo : LogLevel::kError, "run");

  auto target = load_target(*options);
  if (!target) return report(target.error());
  // Step 2: where the Secrets come from (nothing is contacted yet) and the namespace.
  auto secrets = RunSecrets::open(*options, read_run_environment(), clock, log);
  if (!secrets) return report(secrets.error());
  const RunLabels labels = labels_of(*target, **secrets, clock);
  const Logger run_log = log.with({{"namespace", labels.ns},
                                   {"name", labels.name},
                                   {"task", std::string(api::metric_name(labels.task))},
                                   {"runID", labels.run_id}});
  return run_target(*target, labels, **secrets, options->dry_run, signals, clock, run_log);
}

}  // namespace orderops::cli
