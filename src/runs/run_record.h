// What a job reports when it returns, and why a run may be asked to stop. The finished record is
// api::RunRecord, the shape of status.lastRun / recentRuns (api.md 1.2, 1.3). Value types;
// thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "api/run_status.h"

namespace orderops::runs {

using api::Counts;
using api::Outcome;
using api::RunRecord;
using api::Trigger;

// Why a run was asked to stop; decides the outcome recorded for it.
enum class CancelReason { kNone, kDeadline, kReplaced, kLostLeadership, kShutdown, kDeleted };
std::string_view to_string(CancelReason reason);

struct JobResult {
  Outcome outcome = Outcome::kSucceeded;
  std::string message;
  Counts counts;
};

}  // namespace orderops::runs
