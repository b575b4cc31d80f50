#include "api/run_status.h"

#include <array>

namespace orderops::api {
namespace {

constexpr std::array<std::string_view, 6> kAftersalesCounts = {
    "selected", "approved", "cancelled", "received", "failed", "deadlinesSet"};
constexpr std::array<std::string_view, 5> kSyncCounts = {"selected", "updated", "finished", "stuck",
                                                         "failed"};
constexpr std::array<std::string_view, 5> kBillDownloadCounts = {"applied", "downloaded",
                                                                 "notReady", "expired", "failed"};
constexpr std::array<std::string_view, 5> kRetryCounts = {"selected", "resubmitted",
                                                          "finallyFailed", "skipped", "failed"};
constexpr std::array<std::string_view, 5> kUnfreezeCounts = {
    "selected", "unfrozen", "nothingToUnfreeze", "skipped", "failed"};

}  // namespace

std::span<const std::string_view> count_keys(Task task) {
  switch (task) {
    case Task::kAftersales:
      return kAftersalesCounts;
    case Task::kSync:
      return kSyncCounts;
    case Task::kBillDownload:
      return kBillDownloadCounts;
    case Task::kRetry:
      return kRetryCounts;
    case Task::kUnfreeze:
      break;
  }
  return kUnfreezeCounts;
}

Counts zero_counts(Task task) {
  Counts counts;
  for (const auto key : count_keys(task)) counts.emplace(std::string(key), 0);
  return counts;
}

}  // namespace orderops::api
