// The ATP job (jobs.md section 2) over the repository port: fill missing deadlines, then
// `parallelism` workers claim and transition overdue rows batch by batch until a batch comes back
// short, maxRecordsPerRun is reached or the run is stopped; then measure the backlog. A dry run
// makes the same selection read-only. Never throws; every failure is in the result.
// Thread-safe to call concurrently for different runs; one call uses `store` from its workers.
#pragma once

#include "aftersales/config.h"
#include "aftersales/repository.h"
#include "aftersales/run_context.h"
#include "aftersales/run_result.h"

namespace orderops::aftersales {

// Rows that may fail in one run before it stops claiming more (each failure is also excluded
// from later claims of the run, so this bounds that list too).
inline constexpr std::size_t kMaxFailedRows = 1000;

AftersalesRunResult run_aftersales_job(const AftersalesJobConfig& config, AftersalesStore& store,
                                       const RunContext& ctx);

}  // namespace orderops::aftersales
