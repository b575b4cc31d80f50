// Finished runs waiting to be written into their resource's status. A run ends on a pool thread;
// the reconciler folds what is pending into its one status write and acknowledges what it wrote,
// so a failed write loses nothing and a repeated fold changes nothing (folding is keyed by run
// ID). Owners are "<namespace>/<name>/<task>". Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "api/run_status.h"

namespace orderops::reconcile {

struct FinishedRun {
  api::RunRecord record;
  // What the run measured for status beyond its counts (ATP backlog, PSS ordersStuck, ...).
  api::Counts measurements;
};

class RunLedger {
 public:
  void add(const std::string& owner, FinishedRun run);
  // Oldest first.
  std::vector<FinishedRun> pending(const std::string& owner) const;
  void ack(const std::string& owner, const std::vector<std::string>& run_ids);
  // Drops every owner that starts with `prefix` (a deleted resource: "<namespace>/<name>/").
  void forget(const std::string& prefix);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<FinishedRun>> runs_;  // guarded by mu_
};

}  // namespace orderops::reconcile
