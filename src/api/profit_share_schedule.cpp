#include "api/profit_share_schedule.h"

#include <cassert>
#include <utility>

namespace orderops::api {

const TaskTiming& task_timing(const ProfitShareScheduleSpec& spec, Task task) {
  assert(is_profit_share(task));
  switch (task) {
    case Task::kBillDownload:
      return spec.bill_download.timing;
    case Task::kRetry:
      return spec.retry.timing;
    case Task::kUnfreeze:
      return spec.unfreeze.timing;
    case Task::kSync:
    case Task::kAftersales:
      break;
  }
  return spec.sync.timing;
}

Scheduling task_scheduling(const ProfitShareScheduleSpec& spec, Task task) {
  const TaskTiming& timing = task_timing(spec, task);
  return Scheduling{
      .schedule = timing.schedule,
      .time_zone = spec.time_zone,
      .suspend = spec.suspend,
      .concurrency_policy = spec.concurrency_policy,
      .starting_deadline_seconds = timing.starting_deadline_seconds,
      .active_deadline_seconds = timing.active_deadline_seconds,
  };
}

const TaskStatus& task_status(const ProfitShareScheduleStatus& status, Task task) {
  assert(is_profit_share(task));
  switch (task) {
    case Task::kBillDownload:
      return status.tasks.bill_download;
    case Task::kRetry:
      return status.tasks.retry;
    case Task::kUnfreeze:
      return status.tasks.unfreeze;
    case Task::kSync:
    case Task::kAftersales:
      break;
  }
  return status.tasks.sync;
}

TaskStatus& task_status(ProfitShareScheduleStatus& status, Task task) {
  return const_cast<TaskStatus&>(task_status(std::as_const(status), task));
}

}  // namespace orderops::api
