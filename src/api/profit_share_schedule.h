// ProfitShareSchedule (api.md 1.3): one WeChat Pay merchant, four scheduled tasks. Members start
// at the API defaults. Value types; thread-compatible.
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
#include "api/task.h"

namespace orderops::api {

struct Merchant {
  std::string mch_id;                           // required, digits
  std::string sub_mch_id{defaults::kSubMchId};  // service-provider mode: sent as sub_mchid
  // Keys: apiclient_key.pem, merchant_serial_no, apiv3_key, and optionally
  // wechatpay_public_key.pem + wechatpay_public_key_id.
  SecretReference credentials_secret_ref;

  bool operator==(const Merchant&) const = default;
};

struct ProfitShareDatabase {
  SecretKeySelector secret_ref{.key = std::string(defaults::kDatabaseSecretKey)};
  bool operator==(const ProfitShareDatabase&) const = default;
};

// The per-task scheduling fields of a PSS task.
struct TaskTiming {
  bool enabled = defaults::kTaskEnabled;
  std::string schedule;
  std::optional<std::int64_t> starting_deadline_seconds;
  std::int64_t active_deadline_seconds = defaults::kActiveDeadlineSeconds;

  bool operator==(const TaskTiming&) const = default;
};

struct SyncTaskSpec {
  TaskTiming timing{.schedule = std::string(defaults::kSyncSchedule),
                    .active_deadline_seconds = defaults::kSyncActiveDeadlineSeconds};
  int timeout_hours = defaults::kSyncTimeoutHours;
  int batch_size = defaults::kSyncBatchSize;

  bool operator==(const SyncTaskSpec&) const = default;
};

struct BillDownloadTaskSpec {
  TaskTiming timing{.schedule = std::string(defaults::kBillDownloadSchedule)};
  int expire_days = defaults::kBillExpireDays;
  int lookback_days = defaults::kBillLookbackDays;
  TarType tar_type = defaults::kBillTarType;
  std::string storage_path{defaults::kBillStoragePath};

  bool operator==(const BillDownloadTaskSpec&) const = default;
};

inline std::vector<std::string> default_non_retryable_reasons() {
  return {defaults::kRetryNonRetryableReasons.begin(), defaults::kRetryNonRetryableReasons.end()};
}

struct RetryTaskSpec {
  TaskTiming timing{.schedule = std::string(defaults::kRetrySchedule)};
  int max_retry = defaults::kRetryMaxRetry;
  int retry_interval_minutes = defaults::kRetryIntervalMinutes;
  int lookback_days = defaults::kRetryLookbackDays;
  std::vector<std::string> non_retryable_reasons = default_non_retryable_reasons();

  bool operator==(const RetryTaskSpec&) const = default;
};

struct UnfreezeTaskSpec {
  TaskTiming timing{.schedule = std::string(defaults::kUnfreezeSchedule)};
  int unfreeze_hours = defaults::kUnfreezeHours;
  bool force = defaults::kUnfreezeForce;  // drops only the unfreezeHours age check

  bool operator==(const UnfreezeTaskSpec&) const = default;
};

struct ProfitShareAlerts {
  int consecutive_failures = defaults::kAlertConsecutiveFailures;
  int bill_download_failures = defaults::kAlertBillDownloadFailures;

  bool operator==(const ProfitShareAlerts&) const = default;
};

// timeZone, suspend and concurrencyPolicy are resource-wide (each task applies the policy to its
// own runs); schedule, startingDeadlineSeconds and activeDeadlineSeconds belong to each task.
struct ProfitShareScheduleSpec {
  Merchant merchant;
  std::string endpoint{defaults::kEndpoint};
  std::optional<SecretKeySelector> ca_secret_ref;  // extra CA bundle for the endpoint
  ProfitShareDatabase database;
  std::string time_zone{defaults::kTimeZone};
  bool suspend = defaults::kSuspend;
  bool dry_run = defaults::kDryRun;
  ConcurrencyPolicy concurrency_policy = defaults::kConcurrencyPolicy;
  int requests_per_second = defaults::kRequestsPerSecond;  // all tasks together
  int max_concurrent_requests = defaults::kMaxConcurrentRequests;
  SyncTaskSpec sync;
  BillDownloadTaskSpec bill_download;
  RetryTaskSpec retry;
  UnfreezeTaskSpec unfreeze;
  ProfitShareAlerts alerts;
  int successful_runs_history_limit = defaults::kSuccessfulRunsHistoryLimit;
  int failed_runs_history_limit = defaults::kFailedRunsHistoryLimit;

  bool operator==(const ProfitShareScheduleSpec&) const = default;
};

// The timing fields of one PSS task. Precondition: is_profit_share(task).
const TaskTiming& task_timing(const ProfitShareScheduleSpec& spec, Task task);
// The full scheduling of one PSS task: its own schedule and deadlines with the resource-wide
// time zone, suspend and concurrency policy. Precondition: is_profit_share(task).
Scheduling task_scheduling(const ProfitShareScheduleSpec& spec, Task task);

struct ProfitShareTasksStatus {
  TaskStatus sync;
  TaskStatus bill_download;
  TaskStatus retry;
  TaskStatus unfreeze;

  bool operator==(const ProfitShareTasksStatus&) const = default;
};

struct ProfitShareScheduleStatus {
  std::optional<std::int64_t> observed_generation;
  std::vector<Condition> conditions;
  ProfitShareTasksStatus tasks;
  std::int64_t orders_stuck = 0;              // PROCESSING orders older than sync.timeoutHours
  std::int64_t receivers_finally_failed = 0;  // within retry.lookbackDays

  bool operator==(const ProfitShareScheduleStatus&) const = default;
};

// status.tasks.<task>. Precondition: is_profit_share(task).
const TaskStatus& task_status(const ProfitShareScheduleStatus& status, Task task);
TaskStatus& task_status(ProfitShareScheduleStatus& status, Task task);

struct ProfitShareSchedule {
  ObjectMeta metadata;
  ProfitShareScheduleSpec spec;
  ProfitShareScheduleStatus status;

  bool operator==(const ProfitShareSchedule&) const = default;
};

}  // namespace orderops::api
