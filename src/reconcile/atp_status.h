// The status an AftersalesTimeoutPolicy should have, rebuilt from what was stored, what was
// observed and decided this round, and the runs that ended since (api.md 1.2 and section 2).
// Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "api/aftersales_timeout_policy.h"
#include "reconcile/readiness.h"
#include "reconcile/run_ledger.h"
#include "reconcile/task_decision.h"

namespace orderops::reconcile {

struct AtpStatusInputs {
  api::AftersalesTimeoutPolicyStatus stored;
  std::int64_t generation = 0;
  Readiness ready;
  TaskDecision decision;
  // Runs queued or running, including one about to start this round.
  std::vector<api::ActiveRun> active;
  std::span<const FinishedRun> finished;
  // From the spec, or the API defaults when the spec could not be read.
  api::AftersalesTimeoutPolicySpec spec;
  SystemTime now{};
};

struct AtpStatusResult {
  api::AftersalesTimeoutPolicyStatus status;
  // Finished runs now recorded in status: the ledger may drop them once it is written.
  std::vector<std::string> folded;
};

AtpStatusResult build_atp_status(const AtpStatusInputs& in);

}  // namespace orderops::reconcile
