#include "profitshare/task_runner.h"

namespace orderops::profitshare {

ProfitShareRunResult run_profitshare_task(api::Task task, const ProfitShareConfig& config,
                                          ProfitShareStore& store, PaymentApi& payment,
                                          const RunContext& ctx) {
  switch (task) {
    case api::Task::kSync:
      return run_sync_job(config.sync, store, payment, ctx);
    case api::Task::kBillDownload:
      return run_bill_download_job(config.bill_download, store, payment, ctx);
    case api::Task::kRetry:
      return run_retry_job(config.retry, store, payment, ctx);
    case api::Task::kUnfreeze:
      return run_unfreeze_job(config.unfreeze, store, payment, ctx);
    case api::Task::kAftersales:
      break;
  }
  ProfitShareRunResult r = empty_result(task, ctx.dry_run);
  r.error = Error{ErrorCode::kInvalid, "not a ProfitShareSchedule task", {}, {}, {}};
  r.outcome = api::Outcome::kFailed;
  r.message = build_message(r);
  return r;
}

}  // namespace orderops::profitshare
