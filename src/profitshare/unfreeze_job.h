// The unfreeze task of a ProfitShareSchedule (jobs.md section 3) over the repository and
// payment ports. Never throws. Thread-safe for concurrent runs: one unfreeze per split.
#pragma once

#include "profitshare/config.h"
#include "profitshare/payment.h"
#include "profitshare/repository.h"
#include "profitshare/run_context.h"
#include "profitshare/run_result.h"

namespace orderops::profitshare {

// FINISHED splits with unfreeze_unsplit = false, not unfrozen, without an UNFREEZE child under
// way, finished at least unfreezeHours ago (force drops only this check), created within 30
// days, with no receiver that may still be retried. Unsplit amount 0 -> unfrozen_at without a
// call; otherwise one transaction records an UNFREEZE child "<split>-U<n>", then it is POSTed.
ProfitShareRunResult run_unfreeze_job(const UnfreezeConfig& config, ProfitShareStore& store,
                                      PaymentApi& payment, const RunContext& ctx);

}  // namespace orderops::profitshare
