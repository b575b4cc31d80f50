// Who is running a PSS task and how to stop it: run id, resource, dry run, stop token, Logger
// and the injected Clock ("today" for bills, call timing; rows use the database's now()).
// Thread-compatible value; the Clock must outlive the run.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/log.h"

namespace orderops::profitshare {

struct RunContext {
  std::string run_id;
  std::string resource_namespace;
  std::string resource_name;
  bool dry_run = false;
  std::stop_token stop;
  Logger logger;
  const Clock& clock;
  // Test seam: called after a RETRY or UNFREEZE order was committed and before its POST
  // ("retry-committed" / "unfreeze-committed", the new order's id). Crash tests end the process
  // here to prove that the next run heals the intent.
  std::function<void(std::string_view step, std::int64_t order_id)> after_intent_commit_for_test;
};

}  // namespace orderops::profitshare
