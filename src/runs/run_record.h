// What one run of a job was and how it ended: the shape of status.lastRun / recentRuns (api.md
// 1.2, 1.3) before it is encoded. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace orderops::runs {

enum class Trigger { kSchedule, kManual };
enum class Outcome { kSucceeded, kFailed, kPartiallyFailed, kDeadlineExceeded, kCancelled };

std::string_view to_string(Trigger trigger);
std::string_view to_string(Outcome outcome);

// Why a run was asked to stop; decides the outcome recorded for it.
enum class CancelReason { kNone, kDeadline, kReplaced, kLostLeadership, kShutdown, kDeleted };
std::string_view to_string(CancelReason reason);

// Counts are named as in the status of each task (selected, approved, ...).
using Counts = std::map<std::string, std::int64_t, std::less<>>;

// What the job itself reports when it returns.
struct JobResult {
  Outcome outcome = Outcome::kSucceeded;
  std::string message;
  Counts counts;
};

struct RunRecord {
  std::string run_id;
  Trigger trigger = Trigger::kSchedule;
  std::optional<SystemTime> scheduled_time;  // the cron slot; absent for manual runs
  SystemTime start_time{};
  std::optional<SystemTime> completion_time;
  std::optional<Outcome> outcome;  // absent while active
  bool dry_run = false;
  std::string message;
  Counts counts;

  bool succeeded() const { return outcome == Outcome::kSucceeded; }
};

}  // namespace orderops::runs
