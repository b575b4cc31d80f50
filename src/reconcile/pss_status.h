// The status a ProfitShareSchedule should have (api.md 1.3 and section 2): each of its four tasks
// updated from its own round (decision, active runs, finished runs), and the resource-wide
// conditions derived from all of them. Pure; thread-safe.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "api/profit_share_schedule.h"
#include "reconcile/readiness.h"
#include "reconcile/run_folding.h"

namespace orderops::reconcile {

// Measurement keys finished runs carry for the resource-wide fields.
inline constexpr std::string_view kOrdersStuckKey = "ordersStuck";
inline constexpr std::string_view kReceiversFinallyFailedKey = "receiversFinallyFailed";

struct PssStatusInputs {
  api::ProfitShareScheduleStatus stored;
  std::int64_t generation = 0;
  Readiness ready;
  // In api::kProfitShareTasks order: sync, billDownload, retry, unfreeze.
  std::array<TaskRound, 4> rounds;
  api::ProfitShareScheduleSpec spec;
  SystemTime now{};
};

struct PssStatusResult {
  api::ProfitShareScheduleStatus status;
  // Per task (same order), the finished runs now recorded in status.
  std::array<std::vector<std::string>, 4> folded;
};

PssStatusResult build_pss_status(const PssStatusInputs& in);

}  // namespace orderops::reconcile
