// Condition types and reasons of api.md section 2. These strings are the contract with dashboards,
// `kubectl wait`, kstatus and the Argo CD health check: never rename them. Constants only.
#pragma once

#include <string_view>

namespace orderops::api {

namespace conditions {
inline constexpr std::string_view kReady = "Ready";                              // both kinds
inline constexpr std::string_view kStalled = "Stalled";                          // both kinds
inline constexpr std::string_view kRunning = "Running";                          // both kinds
inline constexpr std::string_view kRunFailing = "RunFailing";                    // both kinds
inline constexpr std::string_view kBacklogHigh = "BacklogHigh";                  // ATP
inline constexpr std::string_view kOrdersStuck = "OrdersStuck";                  // PSS
inline constexpr std::string_view kBillDownloadFailing = "BillDownloadFailing";  // PSS
inline constexpr std::string_view kRetryExhausted = "RetryExhausted";            // PSS
inline constexpr std::string_view kUnfreezeFailing = "UnfreezeFailing";          // PSS
}  // namespace conditions

namespace reasons {
// Ready=True
inline constexpr std::string_view kScheduled = "Scheduled";
inline constexpr std::string_view kSuspended = "Suspended";
// Ready=False, and Stalled=True for the ones a person must fix.
inline constexpr std::string_view kInvalidSpec = "InvalidSpec";
inline constexpr std::string_view kSecretNotFound = "SecretNotFound";
inline constexpr std::string_view kInvalidCredentials = "InvalidCredentials";
inline constexpr std::string_view kDatabaseUnavailable = "DatabaseUnavailable";
inline constexpr std::string_view kSchemaMismatch = "SchemaMismatch";
// Stalled=False
inline constexpr std::string_view kHealthy = "Healthy";
// Running
inline constexpr std::string_view kRunActive = "RunActive";
inline constexpr std::string_view kIdle = "Idle";
// RunFailing and BillDownloadFailing (True)
inline constexpr std::string_view kConsecutiveFailures = "ConsecutiveFailures";
inline constexpr std::string_view kRunsSucceeding = "RunsSucceeding";  // RunFailing=False
inline constexpr std::string_view kDownloading = "Downloading";        // BillDownloadFailing=False
// BacklogHigh
inline constexpr std::string_view kBacklogAboveThreshold = "BacklogAboveThreshold";
inline constexpr std::string_view kBacklogNormal = "BacklogNormal";
// OrdersStuck
inline constexpr std::string_view kProcessingTimeout = "ProcessingTimeout";
inline constexpr std::string_view kNoStuckOrders = "NoStuckOrders";
// RetryExhausted
inline constexpr std::string_view kReceiversFinallyFailed = "ReceiversFinallyFailed";
inline constexpr std::string_view kNoExhaustedReceivers = "NoExhaustedReceivers";
// UnfreezeFailing
inline constexpr std::string_view kUnfreezeErrors = "UnfreezeErrors";
inline constexpr std::string_view kUnfreezeHealthy = "UnfreezeHealthy";
}  // namespace reasons

}  // namespace orderops::api
