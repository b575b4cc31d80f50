#include "reconcile/run_ledger.h"

#include <algorithm>

namespace orderops::reconcile {

void RunLedger::add(const std::string& owner, FinishedRun run) {
  std::lock_guard lock(mu_);
  runs_[owner].push_back(std::move(run));
}

std::vector<FinishedRun> RunLedger::pending(const std::string& owner) const {
  std::lock_guard lock(mu_);
  const auto it = runs_.find(owner);
  return it == runs_.end() ? std::vector<FinishedRun>{} : it->second;
}

void RunLedger::ack(const std::string& owner, const std::vector<std::string>& run_ids) {
  std::lock_guard lock(mu_);
  const auto it = runs_.find(owner);
  if (it == runs_.end()) return;
  std::erase_if(it->second, [&](const FinishedRun& r) {
    return std::find(run_ids.begin(), run_ids.end(), r.record.run_id) != run_ids.end();
  });
  if (it->second.empty()) runs_.erase(it);
}

void RunLedger::forget(const std::string& prefix) {
  std::lock_guard lock(mu_);
  std::erase_if(runs_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

}  // namespace orderops::reconcile
