// The outcome of one ATP run as the run engine and reconciler consume it: status.lastRun counts,
// outcome and message, status.backlog, and the per-transition numbers behind
// orderops_aftersales_transitions_total. Pure value types and message building; thread-compatible.
#pragma once

#include "runs/run_record.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/transition.h"
#include "common/error.h"

namespace orderops::aftersales {

// Run ids named in a run message; the rest are counted only.
inline constexpr std::size_t kMessageIdLimit = 10;

// DeadlineExceeded is the run engine's to decide (it knows why the stop came).
enum class Outcome { kSucceeded, kPartiallyFailed, kFailed, kCancelled };
std::string_view to_string(Outcome outcome);

struct Counts {
  std::int64_t selected = 0;  // rows claimed (live) or matched (dry run)
  std::int64_t approved = 0;
  std::int64_t cancelled = 0;
  std::int64_t received = 0;
  std::int64_t failed = 0;
  std::int64_t deadlines_set = 0;

  std::int64_t& transitioned(TimedState from);
  std::int64_t transitioned(TimedState from) const;
};

// One label set of orderops_aftersales_transitions_total.
struct TransitionCount {
  std::string_view from;
  std::string_view to;
  std::int64_t count = 0;
};

struct Backlog {
  std::int64_t pending_approval = 0;
  std::int64_t pending_return = 0;
  std::int64_t pending_receive = 0;
  std::int64_t total = 0;
  std::int64_t oldest_overdue_seconds = 0;

  std::int64_t& of(TimedState s);
};

// Dry run: a few ids per transition that a live run would change.
struct Sample {
  TimedState from = TimedState::kPendingApproval;
  std::vector<std::int64_t> ids;
};

struct AftersalesRunResult {
  Outcome outcome = Outcome::kSucceeded;
  bool dry_run = false;
  std::string message;
  Counts counts;
  // Ids of rows that failed (all of them, up to the run's failure limit).
  std::vector<std::int64_t> failed_ids;
  std::vector<Sample> samples;
  // Absent when it could not be measured (database gone).
  std::optional<Backlog> backlog;
  // The failure behind kFailed / kCancelled.
  std::optional<Error> error;

  // Three entries in TimedState order; zeros included, dry runs report zeros (nothing changed).
  std::vector<TransitionCount> transitions() const;
  // The run engine's (and status.lastRun's) view: outcome, message and the counts by their
  // status names (selected, approved, cancelled, received, failed, deadlinesSet).
  runs::JobResult job_result() const;
};

// "1, 2, 3 and 7 more": the ids run messages and the CLI name.
std::string format_id_list(const std::vector<std::int64_t>& ids, std::size_t limit);

// Outcome from what happened: an error -> Failed (Cancelled when it is kCancelled or stop was
// requested), failed rows -> PartiallyFailed, else Succeeded.
Outcome decide_outcome(const Counts& counts, const std::optional<Error>& error,
                       bool stop_requested);

// "approved 3, cancelled 1, received 0, deadlines set 2; failed 2: ids 17, 42" and, for dry runs,
// "dry run: would approve 3 (e.g. 1, 2, 3), ...". Failures lead with the error text.
std::string build_message(const AftersalesRunResult& result);

}  // namespace orderops::aftersales
