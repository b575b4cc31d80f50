// The api.md examples (1.2, 1.3) as complete manifests with a status, shared by the api tests.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace orderops::api::testing {

inline constexpr std::string_view kAftersalesExample = R"yaml(
apiVersion: orderops.io/v1alpha1
kind: AftersalesTimeoutPolicy
metadata:
  name: shop-aftersales
  namespace: shop
  uid: 6f1c2a9e-0000-4000-8000-000000000001
  resourceVersion: "4711"
  generation: 4
  creationTimestamp: "2026-11-01T08:00:00Z"
  labels: {app: shop}
  annotations: {orderops.io/run-now: "token-1"}
spec:
  schedule: "0 * * * *"
  timeZone: Asia/Shanghai
  suspend: false
  concurrencyPolicy: Forbid
  activeDeadlineSeconds: 300
  dryRun: false
  batchSize: 100
  parallelism: 1
  maxRecordsPerRun: 0
  database:
    secretRef: {name: shop-db, key: uri}
    table: order_aftersales
    logTable: order_aftersales_logs
    notifyChannel: ""
  timeouts:
    pendingApproval: {enabled: true, after: 72h}
    pendingReturn:   {enabled: true, after: 168h}
    pendingReceive:  {enabled: true, after: 72h}
    fillMissingDeadlines: true
  alerts:
    backlogThreshold: 1000
    consecutiveFailures: 3
  successfulRunsHistoryLimit: 3
  failedRunsHistoryLimit: 3
status:
  observedGeneration: 4
  conditions:
  - type: Ready
    status: "True"
    observedGeneration: 4
    lastTransitionTime: "2026-11-21T09:00:00Z"
    reason: Scheduled
    message: next run at 2026-11-21T11:00:00Z
  - type: Running
    status: "False"
    observedGeneration: 4
    lastTransitionTime: "2026-11-21T10:00:04Z"
    reason: Idle
    message: ""
  lastScheduleTime: "2026-11-21T10:00:00Z"
  lastSuccessfulTime: "2026-11-21T10:00:04Z"
  nextScheduleTime: "2026-11-21T11:00:00Z"
  consecutiveFailures: 0
  lastRun:
    runID: shop-aftersales-29353080
    trigger: Schedule
    scheduledTime: "2026-11-21T10:00:00Z"
    startTime: "2026-11-21T10:00:01Z"
    completionTime: "2026-11-21T10:00:04Z"
    outcome: Succeeded
    dryRun: false
    message: 12 rows changed
    counts: {selected: 12, approved: 5, cancelled: 3, received: 4, failed: 0, deadlinesSet: 2}
  recentRuns:
  - runID: shop-aftersales-29353080
    trigger: Schedule
    scheduledTime: "2026-11-21T10:00:00Z"
    startTime: "2026-11-21T10:00:01Z"
    completionTime: "2026-11-21T10:00:04Z"
    outcome: Succeeded
    dryRun: false
    message: 12 rows changed
    counts: {selected: 12, approved: 5, cancelled: 3, received: 4, failed: 0, deadlinesSet: 2}
  - runID: shop-aftersales-manual-ba7816bf8f
    trigger: Manual
    startTime: "2026-11-21T09:30:00Z"
    completionTime: "2026-11-21T09:30:09Z"
    outcome: PartiallyFailed
    dryRun: true
    message: "2 rows failed: 17, 42"
    counts: {selected: 7, approved: 5, cancelled: 0, received: 0, failed: 2, deadlinesSet: 0}
  backlog: {pendingApproval: 1, pendingReturn: 2, pendingReceive: 3, total: 6,
            oldestOverdueSeconds: 3600, observedTime: "2026-11-21T10:00:04Z"}
  lastHandledRunNow: token-1
)yaml";

inline constexpr std::string_view kProfitShareExample = R"yaml(
apiVersion: orderops.io/v1alpha1
kind: ProfitShareSchedule
metadata: {name: merchant-1900009191, namespace: shop, generation: 2}
spec:
  merchant:
    mchId: "1900009191"
    subMchId: ""
    credentialsSecretRef: {name: wechatpay-1900009191}
  endpoint: https://api.mch.weixin.qq.com
  caSecretRef: {name: endpoint-ca, key: ca.crt}
  database: {secretRef: {name: shop-db, key: uri}}
  timeZone: Asia/Shanghai
  suspend: false
  dryRun: false
  concurrencyPolicy: Forbid
  requestsPerSecond: 20
  maxConcurrentRequests: 8
  sync:         {enabled: true, schedule: "*/5 * * * *", timeoutHours: 24, batchSize: 100, activeDeadlineSeconds: 240}
  billDownload: {enabled: true, schedule: "0 * * * *", expireDays: 7, lookbackDays: 3, tarType: GZIP,
                 storagePath: /var/lib/orderops/bills, activeDeadlineSeconds: 300}
  retry:        {enabled: true, schedule: "*/30 * * * *", maxRetry: 3, retryIntervalMinutes: 30, lookbackDays: 7,
                 nonRetryableReasons: [RECEIVER_HIGH_RISK, RECEIVER_REAL_NAME_NOT_VERIFIED, INVALID_REQUEST],
                 activeDeadlineSeconds: 300}
  unfreeze:     {enabled: true, schedule: "0 */2 * * *", unfreezeHours: 48, force: false, activeDeadlineSeconds: 300}
  alerts: {consecutiveFailures: 3, billDownloadFailures: 3}
  successfulRunsHistoryLimit: 3
  failedRunsHistoryLimit: 3
status:
  observedGeneration: 2
  conditions:
  - {type: Ready, status: "True", observedGeneration: 2, lastTransitionTime: "2026-11-21T09:00:00Z",
     reason: Scheduled, message: ""}
  - {type: OrdersStuck, status: "True", observedGeneration: 2,
     lastTransitionTime: "2026-11-21T09:05:00Z", reason: ProcessingTimeout, message: 2 orders}
  tasks:
    sync:
      lastScheduleTime: "2026-11-21T10:05:00Z"
      lastSuccessfulTime: "2026-11-21T10:05:02Z"
      nextScheduleTime: "2026-11-21T10:10:00Z"
      active: {runID: merchant-1900009191-sync-29353085, scheduledTime: "2026-11-21T10:05:00Z",
               startTime: "2026-11-21T10:05:00Z"}
      consecutiveFailures: 0
      lastRun: {runID: merchant-1900009191-sync-29353080, trigger: Schedule,
                scheduledTime: "2026-11-21T10:00:00Z", startTime: "2026-11-21T10:00:00Z",
                completionTime: "2026-11-21T10:00:02Z", outcome: Succeeded, dryRun: false,
                message: "", counts: {selected: 4, updated: 4, finished: 2, stuck: 2, failed: 0}}
    billDownload:
      consecutiveFailures: 1
      lastRun: {runID: merchant-1900009191-download-bill-29353020, trigger: Schedule,
                scheduledTime: "2026-11-21T09:00:00Z", startTime: "2026-11-21T09:00:00Z",
                completionTime: "2026-11-21T09:00:31Z", outcome: Failed, dryRun: false,
                message: hash mismatch,
                counts: {applied: 1, downloaded: 0, notReady: 0, expired: 0, failed: 1}}
    retry:
      consecutiveFailures: 0
      lastHandledRunNow: again
    unfreeze:
      consecutiveFailures: 0
  ordersStuck: 2
  receiversFinallyFailed: 1
)yaml";

}  // namespace orderops::api::testing
