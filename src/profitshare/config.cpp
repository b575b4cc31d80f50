#include "profitshare/config.h"

#include "profitshare/bill_path.h"

namespace orderops::profitshare {

namespace {

Status range(std::string_view field, std::int64_t v, std::int64_t lo, std::int64_t hi) {
  if (v >= lo && v <= hi) return {};
  return invalid(std::string(field) + ": " + std::to_string(v) + " out of range " +
                 std::to_string(lo) + "-" + std::to_string(hi));
}

Status at_least(std::string_view field, std::int64_t v, std::int64_t lo) {
  if (v >= lo) return {};
  return invalid(std::string(field) + ": " + std::to_string(v) +
                 " must be >= " + std::to_string(lo));
}

Status validate_rules(const RetryRules& r) {
  if (auto s = at_least("spec.retry.maxRetry", r.max_retry, 0); !s) return s;
  if (auto s = at_least("spec.retry.retryIntervalMinutes", r.interval.count(), 1); !s) return s;
  return at_least("spec.retry.lookbackDays", r.lookback_days, 1);
}

RetryRules rules_from(const api::RetryTaskSpec& spec) {
  return RetryRules{spec.timing.enabled, spec.max_retry,
                    std::chrono::minutes(spec.retry_interval_minutes), spec.lookback_days,
                    spec.non_retryable_reasons};
}

}  // namespace

ProfitShareConfig config_from_spec(const api::ProfitShareScheduleSpec& spec) {
  const MerchantRef merchant{spec.merchant.mch_id, spec.merchant.sub_mch_id};
  ProfitShareConfig c;
  c.sync.merchant = merchant;
  c.sync.batch_size = spec.sync.batch_size;
  c.sync.timeout_hours = spec.sync.timeout_hours;
  c.sync.concurrency = spec.max_concurrent_requests;

  const auto& bills = spec.bill_download;
  c.bill_download.merchant = merchant;
  c.bill_download.time_zone = spec.time_zone;
  c.bill_download.expire_days = bills.expire_days;
  c.bill_download.lookback_days = bills.lookback_days;
  c.bill_download.gzip = bills.tar_type == api::TarType::kGzip;
  c.bill_download.storage_path = bills.storage_path;

  c.retry.merchant = merchant;
  c.retry.rules = rules_from(spec.retry);

  c.unfreeze.merchant = merchant;
  c.unfreeze.unfreeze_hours = spec.unfreeze.unfreeze_hours;
  c.unfreeze.force = spec.unfreeze.force;
  c.unfreeze.retry = rules_from(spec.retry);
  return c;
}

Status validate(const MerchantRef& m) {
  if (auto s = validate_account_id(m.mch_id, "spec.merchant.mchId"); !s) return s;
  if (!m.sub_mch_id.empty()) return validate_account_id(m.sub_mch_id, "spec.merchant.subMchId");
  return {};
}

Status validate(const SyncConfig& c) {
  if (auto s = validate(c.merchant); !s) return s;
  if (auto s = range("spec.sync.batchSize", c.batch_size, 1, kMaxBatchSize); !s) return s;
  if (auto s = at_least("spec.sync.timeoutHours", c.timeout_hours, 1); !s) return s;
  if (c.claim_lease <= std::chrono::seconds::zero()) return invalid("claim lease must be positive");
  return {};
}

Status validate(const BillDownloadConfig& c) {
  if (auto s = validate(c.merchant); !s) return s;
  if (auto s = range("spec.billDownload.expireDays", c.expire_days, 1, 90); !s) return s;
  if (auto s = range("spec.billDownload.lookbackDays", c.lookback_days, 1, 90); !s) return s;
  return validate_storage_path(c.storage_path);
}

Status validate(const RetryConfig& c) {
  if (auto s = validate(c.merchant); !s) return s;
  if (auto s = validate_rules(c.rules); !s) return s;
  return range("page size", c.page_size, 1, kMaxBatchSize);
}

Status validate(const UnfreezeConfig& c) {
  if (auto s = validate(c.merchant); !s) return s;
  if (auto s = at_least("spec.unfreeze.unfreezeHours", c.unfreeze_hours, 0); !s) return s;
  if (auto s = validate_rules(c.retry); !s) return s;
  if (c.description.empty()) return invalid("unfreeze description is required");
  return range("page size", c.page_size, 1, kMaxBatchSize);
}

}  // namespace orderops::profitshare
