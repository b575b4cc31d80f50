// `orderops manager`: parse flags, build the object graph (wiring.cpp), run until SIGTERM/SIGINT
// (release the lease, exit 0) or until leadership is lost (exit 1, so Kubernetes restarts us).
#include <iostream>
#include <stop_token>
#include <thread>

#include "commands.h"
#include "common/clock.h"
#include "common/log.h"
#include "manager_options.h"
#include "shutdown_signals.h"
#include "wiring.h"

namespace orderops::cli {
namespace {}  // namespace

int manager_command(std::span<const std::string> args) {
  auto options = parse_manager_options(args);
  if (!options) {
    std::cerr << options.error().message << "\n";
    return kExitBadInput;
  }
  if (options->help) {
    std::cout << manager_usage();
    return kExitOk;
  }
  const sigset_t signals = block_shutdown_signals();
  SystemClock clock;
  Logger log(make_stderr_sink(), clock, options->log_format, options->log_level, "manager");
  auto app = ManagerApp::build(*options, read_manager_environment(), clock, log);
  if (!app) {
    log.error("manager failed to start", {{"error", app.error().to_string()}});
    return kExitFailed;
  }
  std::stop_source shutdown;
  std::jthread signal_thread = watch_shutdown_signals(signals, [&](int sig) {
    log.info("shutdown signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    shutdown.request_stop();
  });
  const Status result = (*app)->run(shutdown.get_token());
  signal_thread.request_stop();
  signal_thread.join();
  app->reset();
  if (!result) {
    log.error("manager stopped", {{"error", result.error().to_string()}});
    return kExitFailed;
  }
  log.info("manager stopped");
  return kExitOk;
}

}  // namespace orderops::cli
