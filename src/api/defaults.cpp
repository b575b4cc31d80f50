#include "api/defaults.h"

namespace orderops::api::defaults {
namespace {

constexpr DefaultValue::Value integer(std::int64_t v) { return DefaultValue::Value{v}; }
constexpr DefaultValue::Value text(std::string_view v) { return DefaultValue::Value{v}; }
constexpr DefaultValue::Value flag(bool v) { return DefaultValue::Value{v}; }

}  // namespace

std::span<const DefaultValue> aftersales_timeout_policy_defaults() {
  static constexpr DefaultValue kTable[] = {
      {"spec.schedule", text(kAftersalesSchedule)},
      {"spec.timeZone", text(kTimeZone)},
      {"spec.suspend", flag(kSuspend)},
      {"spec.concurrencyPolicy", text(to_string(kConcurrencyPolicy))},
      {"spec.activeDeadlineSeconds", integer(kActiveDeadlineSeconds)},
      {"spec.dryRun", flag(kDryRun)},
      {"spec.batchSize", integer(kBatchSize)},
      {"spec.parallelism", integer(kParallelism)},
      {"spec.maxRecordsPerRun", integer(kMaxRecordsPerRun)},
      {"spec.database.secretRef.key", text(kDatabaseSecretKey), true},
      {"spec.database.table", text(kAftersalesTable)},
      {"spec.database.logTable", text(kAftersalesLogTable)},
      {"spec.database.notifyChannel", text(kNotifyChannel)},
      {"spec.timeouts.pendingApproval.enabled", flag(kTimeoutEnabled)},
      {"spec.timeouts.pendingApproval.after", text(kPendingApprovalAfter)},
      {"spec.timeouts.pendingReturn.enabled", flag(kTimeoutEnabled)},
      {"spec.timeouts.pendingReturn.after", text(kPendingReturnAfter)},
      {"spec.timeouts.pendingReceive.enabled", flag(kTimeoutEnabled)},
      {"spec.timeouts.pendingReceive.after", text(kPendingReceiveAfter)},
      {"spec.timeouts.fillMissingDeadlines", flag(kFillMissingDeadlines)},
      {"spec.alerts.backlogThreshold", integer(kBacklogThreshold)},
      {"spec.alerts.consecutiveFailures", integer(kAlertConsecutiveFailures)},
      {"spec.successfulRunsHistoryLimit", integer(kSuccessfulRunsHistoryLimit)},
      {"spec.failedRunsHistoryLimit", integer(kFailedRunsHistoryLimit)},
  };
  return kTable;
}

std::span<const DefaultValue> profit_share_schedule_defaults() {
  static constexpr DefaultValue kTable[] = {
      {"spec.merchant.subMchId", text(kSubMchId), true},
      {"spec.endpoint", text(kEndpoint)},
      {"spec.caSecretRef.key", text(kCaSecretKey), true},
      {"spec.database.secretRef.key", text(kDatabaseSecretKey), true},
      {"spec.timeZone", text(kTimeZone)},
      {"spec.suspend", flag(kSuspend)},
      {"spec.dryRun", flag(kDryRun)},
      {"spec.concurrencyPolicy", text(to_string(kConcurrencyPolicy))},
      {"spec.requestsPerSecond", integer(kRequestsPerSecond)},
      {"spec.maxConcurrentRequests", integer(kMaxConcurrentRequests)},
      {"spec.sync.enabled", flag(kTaskEnabled)},
      {"spec.sync.schedule", text(kSyncSchedule)},
      {"spec.sync.activeDeadlineSeconds", integer(kSyncActiveDeadlineSeconds)},
      {"spec.sync.timeoutHours", integer(kSyncTimeoutHours)},
      {"spec.sync.batchSize", integer(kSyncBatchSize)},
      {"spec.billDownload.enabled", flag(kTaskEnabled)},
      {"spec.billDownload.schedule", text(kBillDownloadSchedule)},
      {"spec.billDownload.activeDeadlineSeconds", integer(kActiveDeadlineSeconds)},
      {"spec.billDownload.expireDays", integer(kBillExpireDays)},
      {"spec.billDownload.lookbackDays", integer(kBillLookbackDays)},
      {"spec.billDownload.tarType", text(to_string(kBillTarType))},
      {"spec.billDownload.storagePath", text(kBillStoragePath)},
      {"spec.retry.enabled", flag(kTaskEnabled)},
      {"spec.retry.schedule", text(kRetrySchedule)},
      {"spec.retry.activeDeadlineSeconds", integer(kActiveDeadlineSeconds)},
      {"spec.retry.maxRetry", integer(kRetryMaxRetry)},
      {"spec.retry.retryIntervalMinutes", integer(kRetryIntervalMinutes)},
      {"spec.retry.lookbackDays", integer(kRetryLookbackDays)},
      {"spec.retry.nonRetryableReasons",
       DefaultValue::Value{std::span<const std::string_view>(kRetryNonRetryableReasons)}},
      {"spec.unfreeze.enabled", flag(kTaskEnabled)},
      {"spec.unfreeze.schedule", text(kUnfreezeSchedule)},
      {"spec.unfreeze.activeDeadlineSeconds", integer(kActiveDeadlineSeconds)},
      {"spec.unfreeze.unfreezeHours", integer(kUnfreezeHours)},
      {"spec.unfreeze.force", flag(kUnfreezeForce)},
      {"spec.alerts.consecutiveFailures", integer(kAlertConsecutiveFailures)},
      {"spec.alerts.billDownloadFailures", integer(kAlertBillDownloadFailures)},
      {"spec.successfulRunsHistoryLimit", integer(kSuccessfulRunsHistoryLimit)},
      {"spec.failedRunsHistoryLimit", integer(kFailedRunsHistoryLimit)},
  };
  return kTable;
}

}  // namespace orderops::api::defaults
