// Internal to the PSS jobs: storing what WeChat Pay answered for an order (a query, a create, an
// unfreeze, a resend) and closing an order WeChat Pay refused for good; shared by sync, retry and
// unfreeze so the three write orders the same way. Not a public header. Thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "profitshare/job_support.h"
#include "profitshare/sync_plan.h"

namespace orderops::profitshare {

// {"out_order_no","transaction_id"[,"sub_mchid"]} for the operation log.
std::string query_payload(const JobEnv& env, const StoredOrder& order);
// {"transaction_id"} for the operation log of an amounts query.
std::string amount_payload(const std::string& transaction_id);

// Writes `change` (planned from `answer`) to the PROCESSING order. count_attempt: this was a
// query (sync_attempts + 1, next query after the backoff); else a create's answer (first query
// after kFirstSyncDelay). Result false: the order had moved on. Dry runs write nothing (true).
Result<bool> store_answer(JobEnv& env, const StoredOrder& order, const SyncChange& change,
                          const wechatpay::Order& answer, bool count_attempt);

// The order becomes CLOSED, its PENDING receivers CLOSED with the WeChat code as fail_reason; an
// unfreeze refused with NOT_ENOUGH also marks its parent as needing no unfreeze.
Result<bool> close_refused(JobEnv& env, const StoredOrder& order, const Error& error);

}  // namespace orderops::profitshare
