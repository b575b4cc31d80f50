#include "runs/history.h"

#include <algorithm>

namespace orderops::runs {

std::vector<RunRecord> add_to_history(std::vector<RunRecord> history, RunRecord finished,
                                      HistoryLimits limits) {
  std::erase_if(history, [&](const RunRecord& r) { return r.run_id == finished.run_id; });
  history.insert(history.begin(), std::move(finished));
  // Newest first by start time; a stable sort keeps insertion order among equal times.
  std::stable_sort(history.begin(), history.end(), [](const RunRecord& a, const RunRecord& b) {
    return a.start_time > b.start_time;
  });
  std::vector<RunRecord> kept;
  int successful = 0;
  int failed = 0;
  for (auto& r : history) {
    const bool ok = r.outcome == Outcome::kSucceeded;
    int& seen = ok ? successful : failed;
    const int limit = ok ? limits.successful : limits.failed;
    if (seen < limit) {
      ++seen;
      kept.push_back(std::move(r));
    }
  }
  return kept;
}

}  // namespace orderops::runs
