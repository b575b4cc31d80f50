// The outcome of one PSS task run: status.tasks.<task>.lastRun (outcome, message, api.md
// counts), the ordersStuck / receiversFinallyFailed gauges and the orderops_profitshare_*
// counter increments. Pure value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/enums.h"
#include "api/run_status.h"
#include "api/task.h"
#include "common/error.h"
#include "runs/run_record.h"

namespace orderops::profitshare {

// Failed items named in a run message; the rest are counted only.
inline constexpr std::size_t kMessageIdLimit = 10;

// Count keys (api::count_keys order).
namespace count {
inline constexpr std::string_view kSelected = "selected";
inline constexpr std::string_view kUpdated = "updated";
inline constexpr std::string_view kFinished = "finished";
inline constexpr std::string_view kStuck = "stuck";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kApplied = "applied";
inline constexpr std::string_view kDownloaded = "downloaded";
inline constexpr std::string_view kNotReady = "notReady";
inline constexpr std::string_view kExpired = "expired";
inline constexpr std::string_view kResubmitted = "resubmitted";
inline constexpr std::string_view kFinallyFailed = "finallyFailed";
inline constexpr std::string_view kSkipped = "skipped";
inline constexpr std::string_view kUnfrozen = "unfrozen";
inline constexpr std::string_view kNothingToUnfreeze = "nothingToUnfreeze";
}  // namespace count

// One series increment of a task's counter:
//   sync     orderops_profitshare_orders_synced_total{state}: PROCESSING, FINISHED, CLOSED
//   bills    orderops_profitshare_bill_downloads_total{outcome}: downloaded, not_ready, expired,
//            failed
//   retry    orderops_profitshare_receiver_retries_total{outcome}: resubmitted, finally_failed,
//            skipped, failed
//   unfreeze orderops_profitshare_unfreeze_total{outcome}: unfrozen, nothing_to_unfreeze,
//            skipped, failed
struct MetricIncrement {
  std::string label;  // the value of `state` (sync) or `outcome` (the others)
  std::int64_t value = 0;
};

// What a dry run would have done to one item ("resubmit receiver 42 as P1-R42-1").
struct WouldChange {
  std::string action;
  std::string item;
};

struct ProfitShareRunResult {
  api::Task task = api::Task::kSync;
  // Succeeded, PartiallyFailed, Failed or Cancelled; DeadlineExceeded is the run engine's call
  // (it knows why the stop came).
  api::Outcome outcome = api::Outcome::kSucceeded;
  bool dry_run = false;
  std::string message;
  api::Counts counts;  // every key of api::count_keys(task), zeros included
  // What failed: order ids (sync, unfreeze), receiver ids (retry), bill dates (billDownload).
  std::vector<std::string> failed_items;
  // The failure behind Failed / Cancelled.
  std::optional<Error> error;
  // Label values of the task's counter, all of them, zeros included; all zero for dry runs
  // (nothing changed).
  std::vector<MetricIncrement> metric_increments;
  // Gauges measured at the end of a run (absent when the database could not be asked):
  // sync -> orderops_profitshare_orders_stuck and status.ordersStuck,
  // retry -> orderops_profitshare_receivers_finally_failed and status.receiversFinallyFailed.
  std::optional<std::int64_t> orders_stuck;
  std::optional<std::int64_t> receivers_finally_failed;
  // Dry runs: what a live run would change (the first few per action).
  std::vector<WouldChange> would_change;

  std::int64_t count(std::string_view key) const;
  void add(std::string_view key, std::int64_t n = 1);
  void add_metric(std::string_view label, std::int64_t n = 1);
  // The run engine's view.
  runs::JobResult job_result() const;
};

// A result with zeroed counts and metric labels for `task`.
ProfitShareRunResult empty_result(api::Task task, bool dry_run);

// Fills metric_increments from the counts (billDownload, retry, unfreeze; sync counts states as
// it goes) and zeroes them for dry runs.
void settle_metrics(ProfitShareRunResult& result);

// An error -> Failed (Cancelled when it is kCancelled or stop was requested), stop -> Cancelled,
// failures -> PartiallyFailed, else Succeeded.
api::Outcome decide_outcome(const ProfitShareRunResult& result, bool stop_requested);

// "selected 5, updated 3, finished 2, stuck 1, failed 1: orders 17" and for dry runs
// "dry run, nothing changed: ... ; would resubmit receiver 42 (P1-R42-1), ...". Failures lead
// with the error text.
std::string build_message(const ProfitShareRunResult& result);

}  // namespace orderops::profitshare
