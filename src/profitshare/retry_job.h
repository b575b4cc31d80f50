// The retry task of a ProfitShareSchedule (jobs.md section 3) over the repository and payment
// ports. Never throws. Thread-safe for concurrent runs: one order per intent, always.
#pragma once

#include "profitshare/config.h"
#include "profitshare/payment.h"
#include "profitshare/repository.h"
#include "profitshare/run_context.h"
#include "profitshare/run_result.h"

namespace orderops::profitshare {

// CLOSED (or legacy FAILED) receivers of splits, not finally failed, created within
// lookbackDays, next_retry_at due. A non-retryable fail_reason, maxRetry reached, a parent with
// unfreeze_unsplit or an unsplit amount below the receiver's amount finalizes the receiver (no
// POST). Otherwise one transaction records a RETRY order numbered by (split, receiver, attempt),
// its receiver row, retry_count + 1 and next_retry_at; then that order is POSTed without the
// stored name (see retry_job.cpp). A crash after the commit is healed by sync.
ProfitShareRunResult run_retry_job(const RetryConfig& config, ProfitShareStore& store,
                                   PaymentApi& payment, const RunContext& ctx);

}  // namespace orderops::profitshare
