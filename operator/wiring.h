// The object graph of `orderops manager` (the composition root): Kubernetes config and client,
// metrics registry and endpoints, event recorder, status writer, the runtime Manager with its
// informers (both kinds and Secrets), controllers and leader election. Later reconcilers are
// registered here. Built once, run once; not thread-safe itself.
#pragma once

#include <memory>
#include <stop_token>

#include "common/clock.h"
#include "common/log.h"
#include "manager_options.h"

namespace orderops::cli {

class ManagerApp {
 public:
  // Loads the configuration and binds the endpoints; errors say what is wrong (exit 1).
  static Result<std::unique_ptr<ManagerApp>> build(const ManagerOptions& options,
                                                   const ManagerEnvironment& env,
                                                   const Clock& clock, Logger log);
  ~ManagerApp();

  // Runs until `stop` (Ok, after releasing the lease) or until leadership is lost (Error).
  Status run(std::stop_token stop);

  struct Parts;

 private:
  explicit ManagerApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace orderops::cli
