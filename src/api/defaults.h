// Every default of api.md, defined once. The spec structs initialise their members from these,
// apply_defaults() fills a manifest's JSON from default_values(), and the CRD schemas in crds/
// must carry the same values (a test compares them). Constants only; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "api/enums.h"

namespace orderops::api::defaults {

// Scheduling fields (api.md 1.1).
inline constexpr std::string_view kAftersalesSchedule = "0 * * * *";
inline constexpr std::string_view kSyncSchedule = "*/5 * * * *";
inline constexpr std::string_view kBillDownloadSchedule = "0 * * * *";
inline constexpr std::string_view kRetrySchedule = "*/30 * * * *";
inline constexpr std::string_view kUnfreezeSchedule = "0 */2 * * *";
inline constexpr std::string_view kTimeZone = "UTC";
inline constexpr bool kSuspend = false;
inline constexpr ConcurrencyPolicy kConcurrencyPolicy = ConcurrencyPolicy::kForbid;
inline constexpr std::int64_t kActiveDeadlineSeconds = 300;
inline constexpr std::int64_t kSyncActiveDeadlineSeconds = 240;

// Both kinds.
inline constexpr bool kDryRun = false;
inline constexpr std::string_view kDatabaseSecretKey = "uri";
inline constexpr int kAlertConsecutiveFailures = 3;
inline constexpr int kSuccessfulRunsHistoryLimit = 3;
inline constexpr int kFailedRunsHistoryLimit = 3;

// AftersalesTimeoutPolicy (api.md 1.2).
inline constexpr int kBatchSize = 100;
inline constexpr int kParallelism = 1;
inline constexpr std::int64_t kMaxRecordsPerRun = 0;  // 0 = no cap
inline constexpr std::string_view kAftersalesTable = "order_aftersales";
inline constexpr std::string_view kAftersalesLogTable = "order_aftersales_logs";
inline constexpr std::string_view kNotifyChannel = "";
inline constexpr bool kTimeoutEnabled = true;
inline constexpr std::string_view kPendingApprovalAfter = "72h";
inline constexpr std::string_view kPendingReturnAfter = "168h";
inline constexpr std::string_view kPendingReceiveAfter = "72h";
inline constexpr bool kFillMissingDeadlines = true;
inline constexpr std::int64_t kBacklogThreshold = 1000;

// ProfitShareSchedule (api.md 1.3).
inline constexpr std::string_view kSubMchId = "";  // "": direct merchant, not a sub-merchant
inline constexpr std::string_view kEndpoint = "https://api.mch.weixin.qq.com";
inline constexpr std::string_view kCaSecretKey = "ca.crt";  // only when caSecretRef is given
inline constexpr int kRequestsPerSecond = 20;
inline constexpr int kMaxConcurrentRequests = 8;
inline constexpr int kAlertBillDownloadFailures = 3;
inline constexpr bool kTaskEnabled = true;
inline constexpr int kSyncTimeoutHours = 24;
inline constexpr int kSyncBatchSize = 100;
inline constexpr int kBillExpireDays = 7;
inline constexpr int kBillLookbackDays = 3;
inline constexpr TarType kBillTarType = TarType::kGzip;
inline constexpr std::string_view kBillStoragePath = "/var/lib/orderops/bills";
inline constexpr int kRetryMaxRetry = 3;
inline constexpr int kRetryIntervalMinutes = 30;
inline constexpr int kRetryLookbackDays = 7;
inline constexpr std::array<std::string_view, 3> kRetryNonRetryableReasons = {
    "RECEIVER_HIGH_RISK", "RECEIVER_REAL_NAME_NOT_VERIFIED", "INVALID_REQUEST"};
inline constexpr int kUnfreezeHours = 48;
inline constexpr bool kUnfreezeForce = false;

// One default as the API server applies it from the CRD schema: `path` is the dotted JSON path in
// the object ("spec.timeouts.pendingApproval.after"). Missing parent objects are created (the CRD
// gives them `default: {}`) unless `parent_must_exist`: then the default applies only when every
// parent object is present (caSecretRef.key, database.secretRef.key, merchant.subMchId).
struct DefaultValue {
  using Value =
      std::variant<bool, std::int64_t, std::string_view, std::span<const std::string_view>>;
  std::string_view path;
  Value value;
  bool parent_must_exist = false;
};

std::span<const DefaultValue> aftersales_timeout_policy_defaults();
std::span<const DefaultValue> profit_share_schedule_defaults();

}  // namespace orderops::api::defaults
