// Bounded run history (status.recentRuns): newest first, keeping at most
// successfulRunsHistoryLimit succeeded runs and failedRunsHistoryLimit of all other outcomes, as
// the CronJob controller keeps its finished Jobs. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "runs/run_record.h"

namespace orderops::runs {

struct HistoryLimits {
  int successful = 3;
  int failed = 3;
};

// Inserts `finished` (replacing an entry with the same run_id) and trims to the limits.
std::vector<RunRecord> add_to_history(std::vector<RunRecord> history, RunRecord finished,
                                      HistoryLimits limits);

// status.consecutiveFailures after a run: kept as a counter because the history may hold fewer
// failed runs than alerts.consecutiveFailures asks for.
inline std::int64_t next_consecutive_failures(std::int64_t previous, Outcome outcome) {
  return outcome == Outcome::kSucceeded ? 0 : previous + 1;
}

}  // namespace orderops::runs
