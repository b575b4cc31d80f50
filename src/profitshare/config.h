// What one run of each ProfitShareSchedule task does, as plain values built from the spec
// (config_from_spec). validate() names the spec field of every problem. Value types;
// thread-compatible.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "api/profit_share_schedule.h"
#include "common/error.h"

namespace orderops::profitshare {

// Rows read per page by retry and unfreeze (the spec has a batch size only for sync).
inline constexpr int kScanPageSize = 100;
inline constexpr int kMaxBatchSize = 10000;
// What the unfreeze request says (<= 80 characters); the PHP command's text, "unfreeze the
// remaining unsplit funds".
inline constexpr std::string_view kUnfreezeDescription = "解冻剩余未分资金";

// Which orders and bill tasks a resource owns: wechat_payment_merchant.mch_id, and sub_mch_id
// in service-provider mode ("" otherwise).
struct MerchantRef {
  std::string mch_id;
  std::string sub_mch_id;

  // The account the bills belong to: the sub-merchant when set, else the merchant.
  const std::string& account_id() const { return sub_mch_id.empty() ? mch_id : sub_mch_id; }
};

struct SyncConfig {
  MerchantRef merchant;
  int batch_size = 100;
  int timeout_hours = 24;
  // A claimed order is hidden from other runs this long, so a run that dies mid-batch leaves its
  // orders due again soon instead of never.
  std::chrono::seconds claim_lease{std::chrono::minutes(5)};
  // Queries of one batch in flight at once (spec.maxConcurrentRequests); the merchant's limiter
  // still holds requestsPerSecond. One at a time, 20 ms of latency caps a run near 50 orders/s.
  int concurrency = 1;
};

struct BillDownloadConfig {
  MerchantRef merchant;
  std::string time_zone = "UTC";  // decides which calendar date is "today"
  int expire_days = 7;
  int lookback_days = 3;
  bool gzip = true;  // tarType GZIP: applied and stored as .csv.gz
  std::string storage_path = "/var/lib/orderops/bills";
};

// When a CLOSED receiver gets another attempt. Unfreeze needs the same rules to know whether a
// receiver may still be retried (its money must not be unfrozen under it).
struct RetryRules {
  bool enabled = true;  // spec.retry.enabled: false means no receiver will ever be retried
  int max_retry = 3;
  std::chrono::minutes interval{30};
  int lookback_days = 7;
  std::vector<std::string> non_retryable_reasons;
};

struct RetryConfig {
  MerchantRef merchant;
  RetryRules rules;
  int page_size = kScanPageSize;
};

struct UnfreezeConfig {
  MerchantRef merchant;
  int unfreeze_hours = 48;
  bool force = false;  // drops only the unfreezeHours age check
  RetryRules retry;
  int page_size = kScanPageSize;
  std::string description{kUnfreezeDescription};
};

struct ProfitShareConfig {
  SyncConfig sync;
  BillDownloadConfig bill_download;
  RetryConfig retry;
  UnfreezeConfig unfreeze;
};

// Every task's config from a (defaulted) spec. spec.dryRun is not here: it goes to
// RunContext::dry_run, which `orderops run --dry-run` may also set.
ProfitShareConfig config_from_spec(const api::ProfitShareScheduleSpec& spec);

// kInvalid naming the spec field: "spec.sync.batchSize: 0 out of range 1-10000".
Status validate(const MerchantRef& merchant);
Status validate(const SyncConfig& config);
Status validate(const BillDownloadConfig& config);
Status validate(const RetryConfig& config);
Status validate(const UnfreezeConfig& config);

}  // namespace orderops::profitshare
