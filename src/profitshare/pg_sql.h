// The SQL of the PostgreSQL adapter (jobs.md section 1 tables). Every UPDATE is guarded by the
// row's current state; selections are scoped to one merchant (merchant_id, and sub_mch_id with
// NULL and '' meaning "direct"). Parameters are text and cast in place. Constants; thread-safe.
#pragma once

#include <string_view>

namespace orderops::profitshare::sql {

inline constexpr std::string_view kFindMerchant =
    "SELECT id FROM wechat_payment_merchant WHERE mch_id = $1";

inline constexpr std::string_view kNow = "SELECT now()::text";

// metadata is the PHP table's json column: who made the call.
inline constexpr std::string_view kLogOperation = R"(
INSERT INTO wechat_pay_profit_share_operation_log
  (merchant_id, sub_mch_id, type, success, error_code, error_message, request_payload,
   response_payload, metadata, request_id, duration_ms, create_time, update_time)
VALUES ($1, nullif($2, ''), $3, $4::boolean, nullif($5, ''), nullif($6, ''), nullif($7, ''),
        nullif($8, ''), $9::json, nullif($10, ''), $11::int, now(), now()))";

// Both return, per order: id, kind, out_order_no, transaction_id, order_id, sync_attempts,
// stuck (created more than $6 / $5 hours ago), request_payload.
inline constexpr std::string_view kClaimSync = R"(
WITH due AS (
  SELECT id FROM wechat_pay_profit_share_order
  WHERE state = 'PROCESSING' AND kind IN ('SPLIT', 'RETRY', 'UNFREEZE')
    AND merchant_id = $1 AND coalesce(sub_mch_id, '') = $2
    AND (next_sync_at IS NULL OR next_sync_at <= $3::timestamptz)
  ORDER BY next_sync_at NULLS FIRST, id LIMIT $4::int
  FOR UPDATE SKIP LOCKED)
UPDATE wechat_pay_profit_share_order o
SET next_sync_at = now() + make_interval(secs => $5::double precision)
FROM due WHERE o.id = due.id
RETURNING o.id, o.kind, o.out_order_no, o.transaction_id, coalesce(o.order_id, ''),
  o.sync_attempts,
  coalesce(coalesce(o.create_time, o.wechat_created_at)
           < now() - make_interval(hours => $6::int), false),
  coalesce(o.request_payload, ''))";

inline constexpr std::string_view kScanSync = R"(
SELECT o.id, o.kind, o.out_order_no, o.transaction_id, coalesce(o.order_id, ''),
  o.sync_attempts,
  coalesce(coalesce(o.create_time, o.wechat_created_at)
           < now() - make_interval(hours => $5::int), false),
  coalesce(o.request_payload, '')
FROM wechat_pay_profit_share_order o
WHERE o.state = 'PROCESSING' AND o.kind IN ('SPLIT', 'RETRY', 'UNFREEZE')
  AND o.merchant_id = $1 AND coalesce(o.sub_mch_id, '') = $2
  AND (o.next_sync_at IS NULL OR o.next_sync_at <= now()) AND o.id > $3::bigint
ORDER BY o.id LIMIT $4::int)";

inline constexpr std::string_view kOrderReceivers = R"(
SELECT id, order_id, type, account, amount, result, coalesce(fail_reason, ''),
       coalesce(detail_id, '')
FROM wechat_pay_profit_share_receiver WHERE order_id = ANY($1::bigint[])
ORDER BY order_id, sequence, id)";

inline constexpr std::string_view kApplyOrder = R"(
UPDATE wechat_pay_profit_share_order SET
  state = $3::text,
  order_id = coalesce(nullif($4, ''), order_id),
  wechat_created_at = coalesce(wechat_created_at, $5::timestamptz),
  wechat_finished_at = CASE WHEN $3::text = 'FINISHED' THEN coalesce($6::timestamptz, now())
                            ELSE wechat_finished_at END,
  response_payload = nullif($7, ''),
  last_error = NULL,
  sync_attempts = sync_attempts + $8::int,
  next_sync_at = CASE WHEN $3::text = 'PROCESSING'
                      THEN now() + make_interval(secs => $9::double precision) END,
  update_time = now()
WHERE id = $1::bigint AND state = 'PROCESSING' AND sync_attempts = $2::int
RETURNING kind, parent_order_id)";

inline constexpr std::string_view kApplyReceiver = R"(
UPDATE wechat_pay_profit_share_receiver SET
  result = $3, fail_reason = nullif($4, ''), detail_id = nullif($5, ''),
  wechat_created_at = coalesce($6::timestamptz, wechat_created_at),
  wechat_finished_at = coalesce($7::timestamptz, wechat_finished_at),
  update_time = now()
WHERE id = $1::bigint AND result = $2)";

inline constexpr std::string_view kMarkParentUnfrozen = R"(
UPDATE wechat_pay_profit_share_order SET unfrozen_at = now(), update_time = now()
WHERE id = $1::bigint AND unfrozen_at IS NULL)";

inline constexpr std::string_view kOrderFailure = R"(
UPDATE wechat_pay_profit_share_order SET
  last_error = $3, sync_attempts = sync_attempts + 1,
  next_sync_at = now() + make_interval(secs => $4::double precision), update_time = now()
WHERE id = $1::bigint AND state = 'PROCESSING' AND sync_attempts = $2::int)";

inline constexpr std::string_view kCloseOrder = R"(
UPDATE wechat_pay_profit_share_order SET
  state = 'CLOSED', last_error = $2, next_sync_at = NULL, update_time = now()
WHERE id = $1::bigint AND state = 'PROCESSING'
RETURNING kind, parent_order_id)";

inline constexpr std::string_view kCloseReceivers = R"(
UPDATE wechat_pay_profit_share_receiver SET result = 'CLOSED', fail_reason = $2,
  update_time = now()
WHERE order_id = $1::bigint AND result = 'PENDING')";

inline constexpr std::string_view kCountStuck = R"(
SELECT count(*) FROM wechat_pay_profit_share_order
WHERE state = 'PROCESSING' AND merchant_id = $1 AND coalesce(sub_mch_id, '') = $2
  AND coalesce(create_time, wechat_created_at) < now() - make_interval(hours => $3::int))";

// --- bills ---------------------------------------------------------------------------------

inline constexpr std::string_view kBillTasks = R"(
SELECT bill_date::text, status FROM wechat_pay_profit_share_bill_task
WHERE coalesce(merchant_id, 0) = $1::bigint AND coalesce(sub_mch_id, '') = $2
  AND bill_date >= $3::date)";

inline constexpr std::string_view kExpireBills = R"(
UPDATE wechat_pay_profit_share_bill_task SET status = 'expired', update_time = now()
WHERE coalesce(merchant_id, 0) = $1::bigint AND coalesce(sub_mch_id, '') = $2
  AND bill_date < $3::date AND status NOT IN ('downloaded', 'expired'))";

inline constexpr std::string_view kCountExpirableBills = R"(
SELECT count(*) FROM wechat_pay_profit_share_bill_task
WHERE coalesce(merchant_id, 0) = $1::bigint AND coalesce(sub_mch_id, '') = $2
  AND bill_date < $3::date AND status NOT IN ('downloaded', 'expired'))";

// The conflict target is exactly the expressions of pg::kBillTaskUniqueIndex.
inline constexpr std::string_view kSaveBill = R"(
INSERT INTO wechat_pay_profit_share_bill_task AS t
  (merchant_id, sub_mch_id, bill_date, tar_type, hash_type, hash_value, download_url, status,
   downloaded_at, local_path, attempts, last_error, create_time, update_time)
VALUES ($1::bigint, nullif($2, ''), $3::date, nullif($4, ''), nullif($5, ''), nullif($6, ''),
        nullif($7, ''), $8::text, CASE WHEN $8::text = 'downloaded' THEN now() END, nullif($9, ''), 1,
        nullif($10, ''), now(), now())
ON CONFLICT ((coalesce(merchant_id, 0)), (coalesce(sub_mch_id, '')), bill_date) DO UPDATE SET
  tar_type = EXCLUDED.tar_type,
  hash_type = coalesce(EXCLUDED.hash_type, t.hash_type),
  hash_value = coalesce(EXCLUDED.hash_value, t.hash_value),
  download_url = coalesce(EXCLUDED.download_url, t.download_url),
  status = EXCLUDED.status,
  downloaded_at = EXCLUDED.downloaded_at,
  local_path = coalesce(EXCLUDED.local_path, t.local_path),
  attempts = t.attempts + 1,
  last_error = EXCLUDED.last_error,
  update_time = now()
WHERE t.status NOT IN ('downloaded', 'expired'))";

// --- retry ---------------------------------------------------------------------------------

// Each candidate with its latest retry ("last": that receiver row and its order's state).
// app_id is a PHP column OrderOps does not require; to_jsonb reads it when it exists.
inline constexpr std::string_view kRetryCandidates = R"(
SELECT r.id, r.order_id, o.out_order_no, o.state, o.transaction_id,
  coalesce(to_jsonb(o) ->> 'app_id', ''), o.unfreeze_unsplit, r.type, r.account, r.amount,
  coalesce(r.description, ''), r.retry_count,
  coalesce(CASE WHEN last.id IS NULL THEN r.fail_reason ELSE last.fail_reason END, ''),
  coalesce(last.result = 'PENDING' OR last.order_state = 'PROCESSING', false)
FROM wechat_pay_profit_share_receiver r
JOIN wechat_pay_profit_share_order o ON o.id = r.order_id
LEFT JOIN LATERAL (
  SELECT c.id, c.result, c.fail_reason, co.state AS order_state
  FROM wechat_pay_profit_share_receiver c
  JOIN wechat_pay_profit_share_order co ON co.id = c.order_id
  WHERE c.retry_of_receiver_id = r.id ORDER BY c.id DESC LIMIT 1) last ON true
WHERE o.merchant_id = $1 AND coalesce(o.sub_mch_id, '') = $2
  AND r.retry_of_receiver_id IS NULL AND r.result IN ('CLOSED', 'FAILED')
  AND NOT r.finally_failed
  AND r.create_time >= now() - make_interval(days => $3::int)
  AND (r.next_retry_at IS NULL OR r.next_retry_at <= now())
  AND coalesce(last.result, '') <> 'SUCCESS' AND r.id > $4::bigint
ORDER BY r.id LIMIT $5::int)";

// Locks the receiver only while it is still exactly as the candidate was read.
inline constexpr std::string_view kLockRetry = R"(
SELECT r.id FROM wechat_pay_profit_share_receiver r
WHERE r.id = $1::bigint AND r.retry_count = $2::int AND NOT r.finally_failed
  AND r.result IN ('CLOSED', 'FAILED')
  AND (r.next_retry_at IS NULL OR r.next_retry_at <= now())
  AND NOT EXISTS (SELECT 1 FROM wechat_pay_profit_share_receiver c
                  WHERE c.retry_of_receiver_id = r.id AND c.result IN ('PENDING', 'SUCCESS'))
FOR UPDATE SKIP LOCKED)";

// A child order of $1 (RETRY or UNFREEZE), copying merchant, sub-merchant and transaction.
inline constexpr std::string_view kInsertChild = R"(
INSERT INTO wechat_pay_profit_share_order
  (merchant_id, sub_mch_id, transaction_id, out_order_no, state, unfreeze_unsplit, kind,
   parent_order_id, request_payload, sync_attempts, create_time, update_time)
SELECT merchant_id, sub_mch_id, transaction_id, $2, 'PROCESSING', $3::boolean, $4, id, $5, 0,
       now(), now()
FROM wechat_pay_profit_share_order WHERE id = $1::bigint
ON CONFLICT (out_order_no) DO NOTHING
RETURNING id, transaction_id)";

inline constexpr std::string_view kInsertRetryReceiver = R"(
INSERT INTO wechat_pay_profit_share_receiver
  (order_id, sequence, type, account, amount, description, result, retry_count, finally_failed,
   retry_of_receiver_id, create_time, update_time)
VALUES ($1::bigint, 0, $2, $3, $4::int, $5, 'PENDING', 0, false, $6::bigint, now(), now())
RETURNING id)";

inline constexpr std::string_view kBumpRetry = R"(
UPDATE wechat_pay_profit_share_receiver SET
  retry_count = retry_count + 1, next_retry_at = now() + make_interval(mins => $3::int),
  update_time = now()
WHERE id = $1::bigint AND retry_count = $2::int)";

inline constexpr std::string_view kFinalizeReceiver = R"(
UPDATE wechat_pay_profit_share_receiver SET finally_failed = true, update_time = now()
WHERE id = $1::bigint AND retry_count = $2::int AND NOT finally_failed)";

inline constexpr std::string_view kCountFinallyFailed = R"(
SELECT count(*) FROM wechat_pay_profit_share_receiver r
JOIN wechat_pay_profit_share_order o ON o.id = r.order_id
WHERE o.merchant_id = $1 AND coalesce(o.sub_mch_id, '') = $2 AND r.finally_failed
  AND r.create_time >= now() - make_interval(days => $3::int))";

// --- unfreeze ------------------------------------------------------------------------------

// No UNFREEZE child under way or done, no RETRY child still PROCESSING, and no receiver that
// retry may still act on (PENDING, or CLOSED within the retry rules, judged by its latest retry).
inline constexpr std::string_view kUnfreezeCandidates = R"(
SELECT o.id, o.out_order_no, o.transaction_id,
  (SELECT count(*) FROM wechat_pay_profit_share_order u
   WHERE u.parent_order_id = o.id AND u.kind = 'UNFREEZE' AND u.state = 'CLOSED')
FROM wechat_pay_profit_share_order o
WHERE o.merchant_id = $1 AND coalesce(o.sub_mch_id, '') = $2
  AND o.kind = 'SPLIT' AND o.state = 'FINISHED' AND NOT o.unfreeze_unsplit
  AND o.unfrozen_at IS NULL
  AND coalesce(o.create_time, o.wechat_created_at) >= now() - interval '30 days'
  AND ($3::boolean OR coalesce(o.wechat_finished_at, o.create_time)
                      <= now() - make_interval(hours => $4::int))
  AND NOT EXISTS (
    SELECT 1 FROM wechat_pay_profit_share_order u
    WHERE u.parent_order_id = o.id
      AND ((u.kind = 'UNFREEZE' AND u.state <> 'CLOSED')
           OR (u.kind = 'RETRY' AND u.state = 'PROCESSING')))
  AND NOT EXISTS (
    SELECT 1 FROM wechat_pay_profit_share_receiver r
    LEFT JOIN LATERAL (
      SELECT c.id, c.result, c.fail_reason FROM wechat_pay_profit_share_receiver c
      WHERE c.retry_of_receiver_id = r.id ORDER BY c.id DESC LIMIT 1) last ON true
    WHERE r.order_id = o.id AND r.retry_of_receiver_id IS NULL
      AND (r.result = 'PENDING'
           OR ($5::boolean AND r.result IN ('CLOSED', 'FAILED') AND NOT r.finally_failed
               AND r.create_time >= now() - make_interval(days => $6::int)
               AND r.retry_count < $7::int
               AND NOT (coalesce(CASE WHEN last.id IS NULL THEN r.fail_reason
                                      ELSE last.fail_reason END, '') = ANY($8::text[]))
               AND coalesce(last.result, '') <> 'SUCCESS')))
  AND o.id > $9::bigint
ORDER BY o.id LIMIT $10::int)";

inline constexpr std::string_view kMarkUnfrozen = R"(
UPDATE wechat_pay_profit_share_order SET unfrozen_at = now(), update_time = now()
WHERE id = $1::bigint AND unfrozen_at IS NULL AND state = 'FINISHED')";

inline constexpr std::string_view kLockUnfreeze = R"(
SELECT o.id FROM wechat_pay_profit_share_order o
WHERE o.id = $1::bigint AND o.state = 'FINISHED' AND o.unfrozen_at IS NULL
  AND NOT o.unfreeze_unsplit
  AND NOT EXISTS (SELECT 1 FROM wechat_pay_profit_share_order u
                  WHERE u.parent_order_id = o.id AND u.kind = 'UNFREEZE' AND u.state <> 'CLOSED')
  AND (SELECT count(*) FROM wechat_pay_profit_share_order u
       WHERE u.parent_order_id = o.id AND u.kind = 'UNFREEZE' AND u.state = 'CLOSED') = $2::int
FOR UPDATE SKIP LOCKED)";

}  // namespace orderops::profitshare::sql
