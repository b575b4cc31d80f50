// Internal to the PostgreSQL adapter: the session class, whose methods are spread over
// pg_session.cpp (common), pg_orders.cpp (sync), pg_bills.cpp and pg_intents.cpp (retry and
// unfreeze). Not a public header. Used by one thread at a time.
#pragma once

#include <stop_token>

#include "pg/connection.h"
#include "profitshare/repository.h"

namespace orderops::profitshare {

class PgSession final : public ProfitShareSession {
 public:
  PgSession(pg::Connection conn, std::stop_token stop);

  Result<std::optional<std::int64_t>> find_merchant(const std::string& mch_id) override;
  Result<std::string> database_time() override;
  Status log_operation(const OperationRecord& record) override;

  Result<std::vector<StoredOrder>> claim_sync_batch(const SyncClaim& claim) override;
  Result<std::vector<StoredOrder>> scan_sync_due(const SyncScan& scan) override;
  Result<bool> apply_order_update(const OrderUpdate& update) override;
  Result<bool> record_order_failure(const OrderFailure& failure) override;
  Result<bool> close_order(const OrderClose& close) override;
  Result<std::int64_t> count_stuck_orders(const MerchantScope& scope, int timeout_hours) override;

  Result<std::vector<BillTaskRow>> bill_tasks(const MerchantScope& scope,
                                              std::chrono::sys_days from) override;
  Result<std::int64_t> expire_bill_tasks(const MerchantScope& scope, std::chrono::sys_days before,
                                         bool dry_run) override;
  Status save_bill_task(const BillTaskUpdate& update) override;

  Result<std::vector<RetryCandidate>> retry_candidates(const RetryScan& scan) override;
  Result<bool> finalize_receiver(std::int64_t receiver_id, int expected_retry_count) override;
  Result<std::optional<StoredOrder>> record_retry(const RetryIntent& intent) override;
  Result<std::int64_t> count_finally_failed(const MerchantScope& scope, int lookback_days) override;

  Result<std::vector<UnfreezeCandidate>> unfreeze_candidates(const UnfreezeScan& scan) override;
  Result<bool> mark_unfrozen(std::int64_t order_id) override;
  Result<std::optional<StoredOrder>> record_unfreeze(const UnfreezeIntent& intent) override;

 private:
  // Orders from kClaimSync / kScanSync rows, with their receivers.
  Result<std::vector<StoredOrder>> read_orders(const pg::Rows& rows);
  Result<std::int64_t> count(std::string_view sql, const pg::Params& params);

  pg::Connection conn_;
  pg::CancelOnStop cancel_on_stop_;
};

// Parameter and cell helpers shared by the pg_*.cpp files.
namespace pgval {
std::string id(std::int64_t v);
pg::Param time(const std::optional<SystemTime>& t);
std::string seconds(std::chrono::seconds d);
std::string boolean(bool v);
Result<std::chrono::sys_days> date(const std::string& text);
Result<int> int32(const pg::Rows& rows, std::size_t r, std::size_t c);
}  // namespace pgval

}  // namespace orderops::profitshare
