// One entry point for the four PSS tasks, for the run engine and `orderops run --task`: picks
// the task's job and config. Never throws; a non-PSS task gives a Failed result. Thread-safe for
// concurrent runs.
#pragma once

#include "api/task.h"
#include "profitshare/bill_job.h"
#include "profitshare/config.h"
#include "profitshare/retry_job.h"
#include "profitshare/sync_job.h"
#include "profitshare/unfreeze_job.h"

namespace orderops::profitshare {

ProfitShareRunResult run_profitshare_task(api::Task task, const ProfitShareConfig& config,
                                          ProfitShareStore& store, PaymentApi& payment,
                                          const RunContext& ctx);

}  // namespace orderops::profitshare
