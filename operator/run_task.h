// One task of one resource prepared for `orderops run`: the job the run engine executes (the
// manager's code, fed from the manifest and its Secrets) and the summary rows of its result. One
// factory per kind; a new task plugs in as another TaskRun. A TaskRun is prepared and described on
// the main thread and executed on one pool thread in between, never concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/aftersales_timeout_policy.h"
#include "api/profit_share_schedule.h"
#include "api/task.h"
#include "common/clock.h"
#include "common/log.h"
#include "run_summary.h"
#include "runs/run_pool.h"

namespace orderops::reconcile {
class SecretSource;
}

namespace orderops::cli {

class TaskRun {
 public:
  virtual ~TaskRun() = default;
  // The job; `ctx.stop` fires on activeDeadlineSeconds or an interrupt.
  virtual runs::JobResult execute(const runs::RunContext& ctx) = 0;
  // The rows after "outcome" (counts, what would change, backlog), from the finished record and
  // whatever the job kept. Called once execute() returned.
  virtual void describe(const api::RunRecord& record, SummaryTable& table) const = 0;
};

// What preparing a task needs.
struct RunSetup {
  const reconcile::SecretSource& secrets;
  std::string ns;      // the resource's namespace (metadata.namespace or the default)
  bool force_dry_run;  // --dry-run
  const Clock& clock;
  Logger log;  // carries namespace, name, task and runID
};

struct PreparedRun {
  std::unique_ptr<TaskRun> task;
  Duration active_deadline{};
  bool dry_run = false;
  // The connection string from the Secret: used to connect and to scrub the output; shown only
  // redacted ("database" row). Empty when the task has no database.
  std::string database_url;
  // Rows shown before the run (e.g. that spec.suspend was ignored).
  std::vector<std::pair<std::string, std::string>> notes;
};

// Errors: kInvalid / kNotFound for bad input (a Secret or key missing or empty, exit 2), others
// when the cluster could not be asked (exit 1).
Result<PreparedRun> prepare_aftersales_run(const api::AftersalesTimeoutPolicy& policy,
                                           const RunSetup& setup);
// Precondition: is_profit_share(task).
Result<PreparedRun> prepare_profitshare_run(const api::ProfitShareSchedule& schedule,
                                            api::Task task, const RunSetup& setup);

}  // namespace orderops::cli
