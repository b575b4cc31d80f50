// AftersalesTimeoutPolicy (api.md 1.2): spec, status and the resource. Members start at the
// API defaults, so a value decoded from a manifest without them equals one the API server
// defaulted. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/condition.h"
#include "api/defaults.h"
#include "api/object_meta.h"
#include "api/run_status.h"
#include "api/scheduling.h"
#include "api/secret_ref.h"

namespace orderops::api {

struct AftersalesDatabase {
  SecretKeySelector secret_ref{.key = std::string(defaults::kDatabaseSecretKey)};
  std::string table{defaults::kAftersalesTable};
  std::string log_table{defaults::kAftersalesLogTable};
  std::string notify_channel{defaults::kNotifyChannel};  // "": no pg_notify

  bool operator==(const AftersalesDatabase&) const = default;
};

// One timed state: rows overdue by `after` move on.
struct TimeoutRule {
  bool enabled = defaults::kTimeoutEnabled;
  // Go duration text ("72h"); validate() guarantees parse_go_duration() accepts it and it is > 0.
  std::string after;

  bool operator==(const TimeoutRule&) const = default;
};

struct AftersalesTimeouts {
  TimeoutRule pending_approval{.after = std::string(defaults::kPendingApprovalAfter)};
  TimeoutRule pending_return{.after = std::string(defaults::kPendingReturnAfter)};
  TimeoutRule pending_receive{.after = std::string(defaults::kPendingReceiveAfter)};
  bool fill_missing_deadlines = defaults::kFillMissingDeadlines;

  bool operator==(const AftersalesTimeouts&) const = default;
};

struct AftersalesAlerts {
  std::int64_t backlog_threshold = defaults::kBacklogThreshold;
  int consecutive_failures = defaults::kAlertConsecutiveFailures;

  bool operator==(const AftersalesAlerts&) const = default;
};

struct AftersalesTimeoutPolicySpec {
  // schedule, timeZone, suspend, concurrencyPolicy, startingDeadlineSeconds and
  // activeDeadlineSeconds sit directly in spec in JSON.
  Scheduling scheduling{.schedule = std::string(defaults::kAftersalesSchedule)};
  bool dry_run = defaults::kDryRun;
  int batch_size = defaults::kBatchSize;
  int parallelism = defaults::kParallelism;
  std::int64_t max_records_per_run = defaults::kMaxRecordsPerRun;  // 0 = no cap
  AftersalesDatabase database;
  AftersalesTimeouts timeouts;
  AftersalesAlerts alerts;
  int successful_runs_history_limit = defaults::kSuccessfulRunsHistoryLimit;
  int failed_runs_history_limit = defaults::kFailedRunsHistoryLimit;

  bool operator==(const AftersalesTimeoutPolicySpec&) const = default;
};

// Overdue rows per timed state, measured after a run.
struct AftersalesBacklog {
  std::int64_t pending_approval = 0;
  std::int64_t pending_return = 0;
  std::int64_t pending_receive = 0;
  std::int64_t total = 0;
  std::int64_t oldest_overdue_seconds = 0;
  std::optional<SystemTime> observed_time;

  bool operator==(const AftersalesBacklog&) const = default;
};

struct AftersalesTimeoutPolicyStatus {
  std::optional<std::int64_t> observed_generation;
  std::vector<Condition> conditions;
  // lastScheduleTime ... lastHandledRunNow sit directly in status in JSON.
  TaskStatus task;
  std::optional<AftersalesBacklog> backlog;

  bool operator==(const AftersalesTimeoutPolicyStatus&) const = default;
};

struct AftersalesTimeoutPolicy {
  ObjectMeta metadata;
  AftersalesTimeoutPolicySpec spec;
  AftersalesTimeoutPolicyStatus status;

  bool operator==(const AftersalesTimeoutPolicy&) const = default;
};

}  // namespace orderops::api
