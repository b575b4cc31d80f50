#include "api/task.h"

#include "api/annotations.h"
#include "api/field_error.h"

namespace orderops::api {
namespace {

struct TaskNames {
  Task task;
  std::string_view metric;
  std::string_view field;
  std::string_view cli;
  std::string_view annotation;
};

constexpr std::array<TaskNames, 5> kNames = {{
    {Task::kAftersales, "aftersales", "", "aftersales", annotations::kRunNow},
    {Task::kSync, "sync", "sync", "sync", annotations::kRunNowSync},
    {Task::kBillDownload, "download_bill", "billDownload", "download-bill",
     annotations::kRunNowDownloadBill},
    {Task::kRetry, "retry", "retry", "retry", annotations::kRunNowRetry},
    {Task::kUnfreeze, "unfreeze", "unfreeze", "unfreeze", annotations::kRunNowUnfreeze},
}};

const TaskNames& names(Task task) { return kNames[static_cast<size_t>(task)]; }

}  // namespace

std::string_view metric_name(Task task) { return names(task).metric; }
std::string_view field_name(Task task) { return names(task).field; }
std::string_view cli_name(Task task) { return names(task).cli; }
std::string_view run_now_annotation(Task task) { return names(task).annotation; }

Result<Task> parse_cli_task(std::string_view text) {
  for (const auto& n : kNames) {
    if (n.cli == text) return n.task;
  }
  return invalid("task " + quote(text) +
                 ": must be one of aftersales, sync, download-bill, retry, unfreeze");
}

}  // namespace orderops::api
