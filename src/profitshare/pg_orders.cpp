// PgSession: the order statements of sync (and of storing any WeChat Pay answer).
#include <algorithm>
#include <map>

#include "profitshare/names.h"
#include "profitshare/pg_session.h"
#include "profitshare/pg_sql.h"

namespace orderops::profitshare {

namespace {

Result<StoredOrder> read_order(const pg::Rows& rows, std::size_t r) {
  StoredOrder o;
  auto id = rows.int64(r, 0);
  auto attempts = pgval::int32(rows, r, 5);
  auto stuck = rows.boolean(r, 6);
  if (!id) return std::unexpected(id.error());
  if (!attempts) return std::unexpected(attempts.error());
  if (!stuck) return std::unexpected(stuck.error());
  o.id = *id;
  o.kind = rows.text(r, 1);
  o.out_order_no = rows.text(r, 2);
  o.transaction_id = rows.text(r, 3);
  o.order_id = rows.text(r, 4);
  o.sync_attempts = *attempts;
  o.stuck = *stuck;
  o.request_payload = rows.text(r, 7);
  return o;
}

Result<StoredReceiver> read_receiver(const pg::Rows& rows, std::size_t r) {
  auto id = rows.int64(r, 0);
  auto amount = rows.int64(r, 4);
  if (!id) return std::unexpected(id.error());
  if (!amount) return std::unexpected(amount.error());
  return StoredReceiver{*id,
                        rows.text(r, 2),
                        rows.text(r, 3),
                        *amount,
                        rows.text(r, 5),
                        rows.text(r, 6),
                        rows.text(r, 7)};
}

// kind and parent_order_id of an UPDATE ... RETURNING; nullopt parent when NULL.
struct KindParent {
  std::string kind;
  std::optional<std::int64_t> parent;
};

KindParent kind_parent(const pg::Rows& rows) {
  KindParent out{rows.text(0, 0), std::nullopt};
  if (!rows.is_null(0, 1)) {
    if (auto p = rows.int64(0, 1)) out.parent = *p;
  }
  return out;
}

}  // namespace

Result<std::vector<StoredOrder>> PgSession::read_orders(const pg::Rows& rows) {
  std::vector<StoredOrder> orders;
  std::vector<std::int64_t> ids;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto o = read_order(rows, r);
    if (!o) return std::unexpected(o.error());
    ids.push_back(o->id);
    orders.push_back(std::move(*o));
  }
  if (orders.empty()) return orders;
  auto receivers = conn_.exec(sql::kOrderReceivers, {pg::bigint_array(ids)});
  if (!receivers) return std::unexpected(receivers.error().wrap("read receivers"));
  std::map<std::int64_t, StoredOrder*> by_id;
  for (auto& o : orders) by_id[o.id] = &o;
  for (std::size_t r = 0; r < receivers->size(); ++r) {
    auto order_id = receivers->int64(r, 1);
    auto receiver = read_receiver(*receivers, r);
    if (!order_id) return std::unexpected(order_id.error());
    if (!receiver) return std::unexpected(receiver.error());
    by_id.at(*order_id)->receivers.push_back(std::move(*receiver));
  }
  return orders;
}

Result<std::vector<StoredOrder>> PgSession::claim_sync_batch(const SyncClaim& c) {
  auto rows =
      conn_.exec(sql::kClaimSync, {pgval::id(c.scope.merchant_id), c.scope.sub_mch_id,
                                   c.due_at_or_before, std::to_string(c.limit),
                                   pgval::seconds(c.lease), std::to_string(c.timeout_hours)});
  if (!rows) return std::unexpected(rows.error());
  auto orders = read_orders(*rows);
  if (orders) {
    std::sort(orders->begin(), orders->end(),
              [](const StoredOrder& a, const StoredOrder& b) { return a.id < b.id; });
  }
  return orders;
}

Result<std::vector<StoredOrder>> PgSession::scan_sync_due(const SyncScan& s) {
  auto rows = conn_.exec(sql::kScanSync,
                         {pgval::id(s.scope.merchant_id), s.scope.sub_mch_id, pgval::id(s.after_id),
                          std::to_string(s.limit), std::to_string(s.timeout_hours)});
  if (!rows) return std::unexpected(rows.error());
  return read_orders(*rows);
}

Result<bool> PgSession::apply_order_update(const OrderUpdate& u) {
  auto tx = conn_.begin();
  if (!tx) return std::unexpected(tx.error());
  const SyncChange& c = u.change;
  auto order =
      tx->exec(sql::kApplyOrder,
               {pgval::id(u.id), std::to_string(u.expected_attempts), c.state, c.order_id,
                pgval::time(c.wechat_created_at), pgval::time(c.wechat_finished_at),
                u.response_payload, u.count_attempt ? "1" : "0", pgval::seconds(u.next_sync_in)});
  if (!order) return std::unexpected(order.error());
  if (order->empty()) return false;  // moved on; the transaction rolls back (nothing written)
  for (const auto& r : c.receivers) {
    auto done = tx->exec(sql::kApplyReceiver,
                         {pgval::id(r.id), r.from_result, r.result, r.fail_reason, r.detail_id,
                          pgval::time(r.created), pgval::time(r.finished)});
    if (!done) return std::unexpected(done.error());
  }
  const KindParent kp = kind_parent(*order);
  if (c.state == kStateFinished && kp.kind == kKindUnfreeze && kp.parent) {
    auto parent = tx->exec(sql::kMarkParentUnfrozen, {pgval::id(*kp.parent)});
    if (!parent) return std::unexpected(parent.error());
  }
  if (auto s = tx->commit(); !s) return std::unexpected(s.error());
  return true;
}

Result<bool> PgSession::record_order_failure(const OrderFailure& f) {
  auto rows = conn_.exec(sql::kOrderFailure, {pgval::id(f.id), std::to_string(f.expected_attempts),
                                              f.error, pgval::seconds(f.next_sync_in)});
  if (!rows) return std::unexpected(rows.error());
  return rows->affected() == 1;
}

Result<bool> PgSession::close_order(const OrderClose& c) {
  auto tx = conn_.begin();
  if (!tx) return std::unexpected(tx.error());
  auto order = tx->exec(sql::kCloseOrder, {pgval::id(c.id), c.error});
  if (!order) return std::unexpected(order.error());
  if (order->empty()) return false;
  auto receivers = tx->exec(sql::kCloseReceivers, {pgval::id(c.id), c.code});
  if (!receivers) return std::unexpected(receivers.error());
  const KindParent kp = kind_parent(*order);
  if (c.parent_nothing_left && kp.parent) {
    auto parent = tx->exec(sql::kMarkParentUnfrozen, {pgval::id(*kp.parent)});
    if (!parent) return std::unexpected(parent.error());
  }
  if (auto s = tx->commit(); !s) return std::unexpected(s.error());
  return true;
}

Result<std::int64_t> PgSession::count_stuck_orders(const MerchantScope& scope, int timeout_hours) {
  return count(sql::kCountStuck,
               {pgval::id(scope.merchant_id), scope.sub_mch_id, std::to_string(timeout_hours)});
}

}  // namespace orderops::profitshare
