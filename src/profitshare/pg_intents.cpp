// PgSession: retry and unfreeze, whose intents (a new RETRY or UNFREEZE order) are recorded in
// one transaction under a SKIP LOCKED row lock before anything is sent to WeChat Pay.
#include "profitshare/names.h"
#include "profitshare/pg_session.h"
#include "profitshare/pg_sql.h"

namespace orderops::profitshare {

namespace {

Result<RetryCandidate> read_retry(const pg::Rows& rows, std::size_t r) {
  RetryCandidate c;
  auto id = rows.int64(r, 0);
  auto order = rows.int64(r, 1);
  auto unfreeze_unsplit = rows.boolean(r, 6);
  auto amount = rows.int64(r, 9);
  auto retry_count = pgval::int32(rows, r, 11);
  auto open = rows.boolean(r, 13);
  for (const Error* e :
       {id ? nullptr : &id.error(), order ? nullptr : &order.error(),
        unfreeze_unsplit ? nullptr : &unfreeze_unsplit.error(), amount ? nullptr : &amount.error(),
        retry_count ? nullptr : &retry_count.error(), open ? nullptr : &open.error()}) {
    if (e) return std::unexpected(*e);
  }
  c.receiver_id = *id;
  c.order_id = *order;
  c.order_out_order_no = rows.text(r, 2);
  c.order_state = rows.text(r, 3);
  c.transaction_id = rows.text(r, 4);
  c.app_id = rows.text(r, 5);
  c.order_unfreeze_unsplit = *unfreeze_unsplit;
  c.type = rows.text(r, 7);
  c.account = rows.text(r, 8);
  c.amount = *amount;
  c.description = rows.text(r, 10);
  c.retry_count = *retry_count;
  c.fail_reason = rows.text(r, 12);
  c.attempt_open = *open;
  return c;
}

}  // namespace

Result<std::vector<RetryCandidate>> PgSession::retry_candidates(const RetryScan& s) {
  auto rows = conn_.exec(sql::kRetryCandidates, {pgval::id(s.scope.merchant_id), s.scope.sub_mch_id,
                                                 std::to_string(s.lookback_days),
                                                 pgval::id(s.after_id), std::to_string(s.limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<RetryCandidate> out;
  for (std::size_t r = 0; r < rows->size(); ++r) {
    auto c = read_retry(*rows, r);
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

Result<bool> PgSession::finalize_receiver(std::int64_t receiver_id, int expected_retry_count) {
  auto rows = conn_.exec(sql::kFinalizeReceiver,
                         {pgval::id(receiver_id), std::to_string(expected_retry_count)});
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

Result<std::optional<StoredOrder>> PgSession::record_retry(const RetryIntent& i) {
  using Out = std::optional<StoredOrder>;
  auto tx = conn_.begin();
  if (!tx) return std::unexpected(tx.error());
  auto lock =
      tx->exec(sql::kLockRetry, {pgval::id(i.receiver_id), std::to_string(i.expected_retry_count)});
  if (!lock) return std::unexpected(lock.error());
  if (lock->empty()) return Out();  // taken or changed by another run
  auto order = tx->exec(sql::kInsertChild, {pgval::id(i.parent_order_id), i.out_order_no, "false",
                                            std::string(kKindRetry), i.request_payload});
  if (!order) return std::unexpected(order.error());
  if (order->empty()) return Out();  // the number exists: this attempt was recorded before
  auto order_id = order->int64(0, 0);
  if (!order_id) return std::unexpected(order_id.error());
  auto receiver = tx->exec(sql::kInsertRetryReceiver,
                           {pgval::id(*order_id), i.type, i.account, std::to_string(i.amount),
                            i.description, pgval::id(i.receiver_id)});
  if (!receiver) return std::unexpected(receiver.error());
  auto receiver_id = receiver->int64(0, 0);
  if (!receiver_id) return std::unexpected(receiver_id.error());
  auto bump =
      tx->exec(sql::kBumpRetry, {pgval::id(i.receiver_id), std::to_string(i.expected_retry_count),
                                 std::to_string(i.interval.count())});
  if (!bump) return std::unexpected(bump.error());
  if (auto s = tx->commit(); !s) return std::unexpected(s.error());
  StoredOrder o;
  o.id = *order_id;
  o.kind = std::string(kKindRetry);
  o.out_order_no = i.out_order_no;
  o.transaction_id = order->text(0, 1);
  o.request_payload = i.request_payload;
  o.receivers.push_back(StoredReceiver{*receiver_id, i.type, i.account, i.amount,
                                       std::string(kResultPending), "", ""});
  return Out(std::move(o));
}

Result<std::int64_t> PgSession::count_finally_failed(const MerchantScope& scope,
                                                     int lookback_days) {
  return count(sql::kCountFinallyFailed,
               {pgval::id(scope.merchant_id), scope.sub_mch_id, std::to_string(lookback_days)});
}

Result<std::vector<UnfreezeCandidate>> PgSession::unfreeze_candidates(const UnfreezeScan& s) {
  auto rows = conn_.exec(
      sql::kUnfreezeCandidates,
      {pgval::id(s.scope.merchant_id), s.scope.sub_mch_id, pgval::boolean(s.force),
       std::to_string(s.unfreeze_hours), pgval::boolean(s.retry_enabled),
       std::to_string(s.retry_lookback_days), std::to_string(s.retry_max),
       pg::text_array(s.non_retryable_reasons), pgval::id(s.after_id), std::to_string(s.limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<UnfreezeCandidate> out;
  for (std::size_t r = 0; r < rows->size(); ++r) {
    auto id = rows->int64(r, 0);
    auto closed = pgval::int32(*rows, r, 3);
    if (!id) return std::unexpected(id.error());
    if (!closed) return std::unexpected(closed.error());
    out.push_back(UnfreezeCandidate{*id, rows->text(r, 1), rows->text(r, 2), *closed});
  }
  return out;
}

Result<bool> PgSession::mark_unfrozen(std::int64_t order_id) {
  auto rows = conn_.exec(sql::kMarkUnfrozen, {pgval::id(order_id)});
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

Result<std::optional<StoredOrder>> PgSession::record_unfreeze(const UnfreezeIntent& i) {
  using Out = std::optional<StoredOrder>;
  auto tx = conn_.begin();
  if (!tx) return std::unexpected(tx.error());
  auto lock = tx->exec(sql::kLockUnfreeze,
                       {pgval::id(i.order_id), std::to_string(i.expected_closed_unfreezes)});
  if (!lock) return std::unexpected(lock.error());
  if (lock->empty()) return Out();
  auto child = tx->exec(sql::kInsertChild, {pgval::id(i.order_id), i.out_order_no, "true",
                                            std::string(kKindUnfreeze), i.request_payload});
  if (!child) return std::unexpected(child.error());
  if (child->empty()) return Out();
  auto child_id = child->int64(0, 0);
  if (!child_id) return std::unexpected(child_id.error());
  if (auto s = tx->commit(); !s) return std::unexpected(s.error());
  StoredOrder o;
  o.id = *child_id;
  o.kind = std::string(kKindUnfreeze);
  o.out_order_no = i.out_order_no;
  o.transaction_id = child->text(0, 1);
  o.request_payload = i.request_payload;
  return Out(std::move(o));
}

}  // namespace orderops::profitshare
