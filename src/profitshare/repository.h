// The port between the PSS jobs and their database: a store opens sessions (one connection
// each) whose changes are short transactions guarded by the row's current state (jobs.md
// section 3). pg_repository.h adapts PostgreSQL. Stores are thread-safe; sessions single-thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "profitshare/sync_plan.h"

namespace orderops::profitshare {

// The rows of one resource: wechat_payment_merchant.id and the sub-merchant ("" = direct).
struct MerchantScope {
  std::int64_t merchant_id = 0;
  std::string sub_mch_id;
};

// --- operation log -------------------------------------------------------------------------

// One row of wechat_pay_profit_share_operation_log: one WeChat Pay call (after its retries).
struct OperationRecord {
  MerchantScope scope;
  std::string type;  // names.h kOp*
  bool success = false;
  std::string error_code;     // WeChat code (or our reason / error code); "" on success
  std::string error_message;  // cut to the column's 255 characters
  std::string request_payload;
  std::string response_payload;
  std::string request_id;
  std::int64_t duration_ms = 0;
  // metadata: who made the call.
  std::string run_id;
  std::string resource_namespace;
  std::string resource_name;
  std::string task;
};

// --- orders (sync, and the answers to creates) ----------------------------------------------

struct StoredOrder {
  std::int64_t id = 0;
  std::string kind;  // SPLIT, RETRY, UNFREEZE
  std::string out_order_no;
  std::string transaction_id;
  std::string order_id;  // WeChat's; "" while unknown
  int sync_attempts = 0;
  bool stuck = false;  // created longer than timeoutHours ago
  std::string request_payload;
  std::vector<StoredReceiver> receivers;
};

struct SyncClaim {
  MerchantScope scope;
  int limit = 100;
  int timeout_hours = 24;
  std::chrono::seconds lease{300};
  // Only orders due at or before this database time (database_time() at the run's start), so
  // orders this run already pushed into the future are not claimed again.
  std::string due_at_or_before;
};

struct SyncScan {
  MerchantScope scope;
  int limit = 100;
  int timeout_hours = 24;
  std::int64_t after_id = 0;  // keyset
};

// The answer to a query or a create, applied to a PROCESSING order.
struct OrderUpdate {
  std::int64_t id = 0;
  int expected_attempts = 0;  // guard: sync_attempts still has this value
  SyncChange change;
  std::string response_payload;
  bool count_attempt = true;             // a query (sync_attempts + 1); false for a create's answer
  std::chrono::seconds next_sync_in{0};  // used while still PROCESSING
};

struct OrderFailure {
  std::int64_t id = 0;
  int expected_attempts = 0;
  std::string error;
  std::chrono::seconds next_sync_in{0};
};

// A create (or unfreeze) that WeChat Pay refused for good: the order becomes CLOSED and its
// PENDING receivers CLOSED with fail_reason = the WeChat code, so retry may try again under the
// next attempt number.
struct OrderClose {
  std::int64_t id = 0;
  std::string code;
  std::string error;
  // An unfreeze refused because nothing is left (NOT_ENOUGH): the parent needs no more unfreeze.
  bool parent_nothing_left = false;
};

// --- bills ----------------------------------------------------------------------------------

struct BillTaskRow {
  std::chrono::sys_days date;
  std::string status;
};

struct BillTaskUpdate {
  MerchantScope scope;
  std::chrono::sys_days date;
  std::string status;  // pending, downloaded, failed
  bool gzip = true;
  std::string hash_type;
  std::string hash_value;
  std::string download_url;
  std::string local_path;  // downloaded only
  std::string last_error;  // "" clears it
};

// --- retry ----------------------------------------------------------------------------------

struct RetryScan {
  MerchantScope scope;
  int lookback_days = 7;
  int limit = 100;
  std::int64_t after_id = 0;  // keyset on the receiver id
};

// A CLOSED (or legacy FAILED) receiver of a split, not finally failed, due, whose intent has not
// succeeded yet: the receiver itself plus the state of its latest retry, if any.
struct RetryCandidate {
  std::int64_t receiver_id = 0;
  std::int64_t order_id = 0;  // the split it belongs to
  std::string order_out_order_no;
  std::string order_state;
  std::string transaction_id;
  std::string app_id;  // the split's app_id ("" when the table has none)
  bool order_unfreeze_unsplit = false;
  std::string type;
  std::string account;
  std::int64_t amount = 0;
  std::string description;
  int retry_count = 0;
  std::string fail_reason;    // of the latest attempt (the receiver's own when never retried)
  bool attempt_open = false;  // the latest retry is still PENDING (its order PROCESSING)
};

struct RetryIntent {
  std::int64_t receiver_id = 0;
  int expected_retry_count = 0;
  std::int64_t parent_order_id = 0;
  std::string out_order_no;
  std::string request_payload;
  std::string type;
  std::string account;
  std::int64_t amount = 0;
  std::string description;
  std::chrono::minutes interval{30};
};

// --- unfreeze -------------------------------------------------------------------------------

struct UnfreezeScan {
  MerchantScope scope;
  int unfreeze_hours = 48;
  bool force = false;
  // Receivers that may still be retried keep the order from being unfrozen.
  bool retry_enabled = true;
  int retry_max = 3;
  int retry_lookback_days = 7;
  std::vector<std::string> non_retryable_reasons;
  int limit = 100;
  std::int64_t after_id = 0;
};

struct UnfreezeCandidate {
  std::int64_t order_id = 0;
  std::string out_order_no;
  std::string transaction_id;
  int closed_unfreezes = 0;  // earlier UNFREEZE children WeChat refused (the next is n + 1)
};

struct UnfreezeIntent {
  std::int64_t order_id = 0;
  int expected_closed_unfreezes = 0;
  std::string out_order_no;
  std::string request_payload;
};

class ProfitShareSession {
 public:
  virtual ~ProfitShareSession() = default;

  // wechat_payment_merchant.id of mch_id; nullopt when the table has no such row.
  virtual Result<std::optional<std::int64_t>> find_merchant(const std::string& mch_id) = 0;
  // The database's now() as text, to hand back in SyncClaim::due_at_or_before.
  virtual Result<std::string> database_time() = 0;
  virtual Status log_operation(const OperationRecord& record) = 0;

  // Sync. claim: up to `limit` due PROCESSING orders (FOR UPDATE SKIP LOCKED), hidden from
  // other runs for `lease`, oldest due first, with their receivers. scan: the same selection,
  // read-only, keyset by id (dry runs).
  virtual Result<std::vector<StoredOrder>> claim_sync_batch(const SyncClaim& claim) = 0;
  virtual Result<std::vector<StoredOrder>> scan_sync_due(const SyncScan& scan) = 0;
  // In one transaction, guarded by state PROCESSING and sync_attempts: the order, its changed
  // receivers (each guarded by its result), and for an UNFREEZE order that FINISHED the parent's
  // unfrozen_at. false: the order had moved on (nothing written).
  virtual Result<bool> apply_order_update(const OrderUpdate& update) = 0;
  // last_error, sync_attempts + 1, next_sync_at = now() + next_sync_in; guarded as above.
  virtual Result<bool> record_order_failure(const OrderFailure& failure) = 0;
  virtual Result<bool> close_order(const OrderClose& close) = 0;
  // PROCESSING orders created more than timeout_hours ago.
  virtual Result<std::int64_t> count_stuck_orders(const MerchantScope& scope,
                                                  int timeout_hours) = 0;

  // Bills. Tasks with bill_date >= from.
  virtual Result<std::vector<BillTaskRow>> bill_tasks(const MerchantScope& scope,
                                                      std::chrono::sys_days from) = 0;
  // Tasks before `before` never downloaded -> expired (dry run: only counted).
  virtual Result<std::int64_t> expire_bill_tasks(const MerchantScope& scope,
                                                 std::chrono::sys_days before, bool dry_run) = 0;
  // Upsert on the (merchant, sub-merchant, date) key, attempts + 1; never touches a task already
  // downloaded or expired.
  virtual Status save_bill_task(const BillTaskUpdate& update) = 0;

  // Retry. Keyset page of candidates (read-only).
  virtual Result<std::vector<RetryCandidate>> retry_candidates(const RetryScan& scan) = 0;
  // finally_failed = true, guarded by retry_count and finally_failed = false.
  virtual Result<bool> finalize_receiver(std::int64_t receiver_id, int expected_retry_count) = 0;
  // In one transaction: lock the receiver (SKIP LOCKED) if it is still as selected, insert the
  // RETRY order (request_payload, parent) and its receiver row, retry_count + 1, next_retry_at =
  // now() + interval. The new order as stored, or nullopt when another run got there first.
  virtual Result<std::optional<StoredOrder>> record_retry(const RetryIntent& intent) = 0;
  // Receivers finally failed, created within lookback_days.
  virtual Result<std::int64_t> count_finally_failed(const MerchantScope& scope,
                                                    int lookback_days) = 0;

  // Unfreeze. Keyset page of candidates (read-only).
  virtual Result<std::vector<UnfreezeCandidate>> unfreeze_candidates(const UnfreezeScan& scan) = 0;
  // unfrozen_at = now() when still NULL (nothing left to unfreeze).
  virtual Result<bool> mark_unfrozen(std::int64_t order_id) = 0;
  // In one transaction: lock the split (SKIP LOCKED) if it still needs this unfreeze, insert the
  // UNFREEZE child. The child as stored, or nullopt when another run got there first.
  virtual Result<std::optional<StoredOrder>> record_unfreeze(const UnfreezeIntent& intent) = 0;
};

class ProfitShareStore {
 public:
  virtual ~ProfitShareStore() = default;
  // A statement running when `stop` is requested is cancelled.
  virtual Result<std::unique_ptr<ProfitShareSession>> open_session(std::stop_token stop) = 0;
};

}  // namespace orderops::profitshare
