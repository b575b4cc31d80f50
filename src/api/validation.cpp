#include "api/validation.h"

#include "api/field_checks.h"

namespace orderops::api {
namespace {

// Limits shared with the CRD schemas.
constexpr int kMinBatchSize = 1;
constexpr int kMaxBatchSize = 10000;
constexpr int kMinParallelism = 1;
constexpr int kMaxParallelism = 16;
constexpr int kMaxHistoryLimit = 100;  // keeps status small: each record is a few hundred bytes
constexpr int kMaxBillDays = 90;

std::string at(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}

void append(FieldErrors& into, FieldErrors more) {
  into.insert(into.end(), std::make_move_iterator(more.begin()),
              std::make_move_iterator(more.end()));
}

void check_history(FieldErrors& errors, int successful, int failed) {
  checks::range(errors, "spec.successfulRunsHistoryLimit", successful, 0, kMaxHistoryLimit);
  checks::range(errors, "spec.failedRunsHistoryLimit", failed, 0, kMaxHistoryLimit);
}

void check_timeout(FieldErrors& errors, std::string_view name, const TimeoutRule& rule) {
  checks::positive_duration(errors, at(at("spec.timeouts", name), "after"), rule.after);
}

void check_timing(FieldErrors& errors, std::string_view path, const TaskTiming& timing) {
  checks::schedule(errors, at(path, "schedule"), timing.schedule);
  if (timing.starting_deadline_seconds) {
    checks::at_least(errors, at(path, "startingDeadlineSeconds"), *timing.starting_deadline_seconds,
                     0);
  }
  checks::at_least(errors, at(path, "activeDeadlineSeconds"), timing.active_deadline_seconds, 1);
}

void check_tasks(FieldErrors& errors, const ProfitShareScheduleSpec& spec) {
  check_timing(errors, "spec.sync", spec.sync.timing);
  checks::at_least(errors, "spec.sync.timeoutHours", spec.sync.timeout_hours, 1);
  checks::range(errors, "spec.sync.batchSize", spec.sync.batch_size, kMinBatchSize, kMaxBatchSize);

  check_timing(errors, "spec.billDownload", spec.bill_download.timing);
  checks::range(errors, "spec.billDownload.expireDays", spec.bill_download.expire_days, 1,
                kMaxBillDays);
  checks::range(errors, "spec.billDownload.lookbackDays", spec.bill_download.lookback_days, 1,
                kMaxBillDays);
  checks::absolute_path(errors, "spec.billDownload.storagePath", spec.bill_download.storage_path);

  check_timing(errors, "spec.retry", spec.retry.timing);
  checks::at_least(errors, "spec.retry.maxRetry", spec.retry.max_retry, 0);
  checks::at_least(errors, "spec.retry.retryIntervalMinutes", spec.retry.retry_interval_minutes, 1);
  checks::at_least(errors, "spec.retry.lookbackDays", spec.retry.lookback_days, 1);
  for (size_t i = 0; i < spec.retry.non_retryable_reasons.size(); ++i) {
    checks::error_code(errors, "spec.retry.nonRetryableReasons[" + std::to_string(i) + "]",
                       spec.retry.non_retryable_reasons[i]);
  }

  check_timing(errors, "spec.unfreeze", spec.unfreeze.timing);
  checks::at_least(errors, "spec.unfreeze.unfreezeHours", spec.unfreeze.unfreeze_hours, 0);
}

}  // namespace

FieldErrors validate_scheduling(const Scheduling& scheduling, std::string_view path) {
  FieldErrors errors;
  checks::schedule(errors, at(path, "schedule"), scheduling.schedule);
  checks::time_zone(errors, at(path, "timeZone"), scheduling.time_zone);
  if (scheduling.starting_deadline_seconds) {
    checks::at_least(errors, at(path, "startingDeadlineSeconds"),
                     *scheduling.starting_deadline_seconds, 0);
  }
  checks::at_least(errors, at(path, "activeDeadlineSeconds"), scheduling.active_deadline_seconds,
                   1);
  return errors;
}

FieldErrors validate_spec(const AftersalesTimeoutPolicySpec& spec) {
  FieldErrors errors = validate_scheduling(spec.scheduling, "spec");
  checks::range(errors, "spec.batchSize", spec.batch_size, kMinBatchSize, kMaxBatchSize);
  checks::range(errors, "spec.parallelism", spec.parallelism, kMinParallelism, kMaxParallelism);
  checks::at_least(errors, "spec.maxRecordsPerRun", spec.max_records_per_run, 0);

  const AftersalesDatabase& db = spec.database;
  checks::secret_key_selector(errors, "spec.database.secretRef", db.secret_ref);
  checks::sql_table(errors, "spec.database.table", db.table);
  checks::sql_table(errors, "spec.database.logTable", db.log_table);
  if (!db.table.empty() && db.table == db.log_table) {
    errors.push_back(
        {"spec.database.logTable", quote(db.log_table) + ": must differ from spec.database.table"});
  }
  checks::notify_channel(errors, "spec.database.notifyChannel", db.notify_channel);

  check_timeout(errors, "pendingApproval", spec.timeouts.pending_approval);
  check_timeout(errors, "pendingReturn", spec.timeouts.pending_return);
  check_timeout(errors, "pendingReceive", spec.timeouts.pending_receive);

  checks::at_least(errors, "spec.alerts.backlogThreshold", spec.alerts.backlog_threshold, 0);
  checks::at_least(errors, "spec.alerts.consecutiveFailures", spec.alerts.consecutive_failures, 1);
  check_history(errors, spec.successful_runs_history_limit, spec.failed_runs_history_limit);
  return errors;
}

FieldErrors validate_spec(const ProfitShareScheduleSpec& spec) {
  FieldErrors errors;
  checks::digits(errors, "spec.merchant.mchId", spec.merchant.mch_id, false);
  checks::digits(errors, "spec.merchant.subMchId", spec.merchant.sub_mch_id, true);
  checks::secret_name(errors, "spec.merchant.credentialsSecretRef.name",
                      spec.merchant.credentials_secret_ref.name);
  checks::http_url(errors, "spec.endpoint", spec.endpoint);
  if (spec.ca_secret_ref) {
    checks::secret_key_selector(errors, "spec.caSecretRef", *spec.ca_secret_ref);
  }
  checks::secret_key_selector(errors, "spec.database.secretRef", spec.database.secret_ref);
  checks::time_zone(errors, "spec.timeZone", spec.time_zone);
  checks::at_least(errors, "spec.requestsPerSecond", spec.requests_per_second, 1);
  checks::at_least(errors, "spec.maxConcurrentRequests", spec.max_concurrent_requests, 1);
  check_tasks(errors, spec);
  checks::at_least(errors, "spec.alerts.consecutiveFailures", spec.alerts.consecutive_failures, 1);
  checks::at_least(errors, "spec.alerts.billDownloadFailures", spec.alerts.bill_download_failures,
                   1);
  check_history(errors, spec.successful_runs_history_limit, spec.failed_runs_history_limit);
  return errors;
}

FieldErrors validate(const AftersalesTimeoutPolicy& resource) {
  FieldErrors errors;
  if (resource.metadata.name.empty()) errors.push_back({"metadata.name", "required"});
  append(errors, validate_spec(resource.spec));
  return errors;
}

FieldErrors validate(const ProfitShareSchedule& resource) {
  FieldErrors errors;
  if (resource.metadata.name.empty()) errors.push_back({"metadata.name", "required"});
  append(errors, validate_spec(resource.spec));
  return errors;
}

}  // namespace orderops::api
