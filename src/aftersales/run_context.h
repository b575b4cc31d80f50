// Who is running the ATP job and how to stop it: run id and policy (for audit rows, notify
// payloads and logs), the run's stop token (deadline, lost leadership, Replace), a Logger and the
// injected Clock. The referenced Clock must outlive the run. Thread-compatible value.
#pragma once

#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/log.h"

namespace orderops::aftersales {

struct RunContext {
  std::string run_id;
  std::string policy_namespace;
  std::string policy_name;
  std::stop_token stop;
  Logger logger;
  const Clock& clock;
};

}  // namespace orderops::aftersales
