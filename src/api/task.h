// The five jobs (one per ATP, four per PSS) and the names each surface knows them by: metrics
// label `task`, the key under PSS status.tasks, the CLI `--task` value and the run-now annotation.
// Pure; thread-safe.
#pragma once

#include <array>
#include <string_view>

#include "common/error.h"

namespace orderops::api {

enum class Task { kAftersales, kSync, kBillDownload, kRetry, kUnfreeze };

inline constexpr std::array<Task, 4> kProfitShareTasks = {Task::kSync, Task::kBillDownload,
                                                          Task::kRetry, Task::kUnfreeze};

constexpr bool is_profit_share(Task task) { return task != Task::kAftersales; }

// Metrics label value: aftersales, sync, download_bill, retry, unfreeze.
std::string_view metric_name(Task task);
// Key under PSS status.tasks and spec: sync, billDownload, retry, unfreeze ("" for kAftersales,
// whose fields sit directly in spec and status).
std::string_view field_name(Task task);
// CLI `orderops run --task` value and the part of run IDs: aftersales, sync, download-bill, retry,
// unfreeze.
std::string_view cli_name(Task task);
// orderops.io/run-now for ATP, orderops.io/run-now-<cli name> for the PSS tasks.
std::string_view run_now_annotation(Task task);

// Parses a CLI `--task` value (any cli_name). The error lists the accepted values.
Result<Task> parse_cli_task(std::string_view text);

}  // namespace orderops::api
