// The sync task of a ProfitShareSchedule (jobs.md section 3) over the repository and payment
// ports. Never throws. Thread-safe for concurrent runs (each opens its own session).
#pragma once

#include "profitshare/config.h"
#include "profitshare/payment.h"
#include "profitshare/repository.h"
#include "profitshare/run_context.h"
#include "profitshare/run_result.h"

namespace orderops::profitshare {

// PROCESSING orders of the merchant whose next_sync_at is due are claimed batch by batch and
// queried; state, WeChat's order id and each receiver's result are stored; orders still
// PROCESSING come back after a doubling backoff; orders past timeoutHours are still polled and
// counted as stuck; a RETRY or UNFREEZE order WeChat Pay does not know and never answered for is
// sent again from its stored request (same number, same content).
ProfitShareRunResult run_sync_job(const SyncConfig& config, ProfitShareStore& store,
                                  PaymentApi& payment, const RunContext& ctx);

}  // namespace orderops::profitshare
