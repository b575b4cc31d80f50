// The billDownload task of a ProfitShareSchedule (jobs.md section 3) over the repository and
// payment ports. Never throws. Thread-safe for concurrent runs.
#pragma once

#include "profitshare/config.h"
#include "profitshare/payment.h"
#include "profitshare/repository.h"
#include "profitshare/run_context.h"
#include "profitshare/run_result.h"

namespace orderops::profitshare {

// For each bill date from lookbackDays ago to the newest available one (resource time zone,
// 10:00 the next day) without a downloaded task: apply and download at once, streaming through
// gunzip + SHA-1 into a temporary file, fsync, rename to <storagePath>/<YYYY>/<MM>/<account>/
// profit_share_<date>_<account>.csv.gz (the gzip bytes as sent; the hash covers the CSV).
// NO_STATEMENT_EXIST -> pending; a mismatch leaves no file; never-downloaded tasks past
// expireDays -> expired. A dry run applies (a GET that creates nothing) but downloads nothing.
ProfitShareRunResult run_bill_download_job(const BillDownloadConfig& config,
                                           ProfitShareStore& store, PaymentApi& payment,
                                           const RunContext& ctx);

}  // namespace orderops::profitshare
