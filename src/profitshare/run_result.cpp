#include "profitshare/run_result.h"

#include <array>
#include <span>

#include "profitshare/names.h"

namespace orderops::profitshare {

namespace {

struct MetricSource {
  std::string_view count_key;
  std::string_view label;
};

constexpr std::array<MetricSource, 4> kBillMetrics = {{{count::kDownloaded, "downloaded"},
                                                       {count::kNotReady, "not_ready"},
                                                       {count::kExpired, "expired"},
                                                       {count::kFailed, "failed"}}};
constexpr std::array<MetricSource, 4> kRetryMetrics = {{{count::kResubmitted, "resubmitted"},
                                                        {count::kFinallyFailed, "finally_failed"},
                                                        {count::kSkipped, "skipped"},
                                                        {count::kFailed, "failed"}}};
constexpr std::array<MetricSource, 4> kUnfreezeMetrics = {
    {{count::kUnfrozen, "unfrozen"},
     {count::kNothingToUnfreeze, "nothing_to_unfreeze"},
     {count::kSkipped, "skipped"},
     {count::kFailed, "failed"}}};
constexpr std::array<std::string_view, 3> kSyncStates = {kStateProcessing, kStateFinished,
                                                         kStateClosed};

std::span<const MetricSource> metric_sources(api::Task task) {
  switch (task) {
    case api::Task::kBillDownload:
      return kBillMetrics;
    case api::Task::kRetry:
      return kRetryMetrics;
    case api::Task::kUnfreeze:
      return kUnfreezeMetrics;
    case api::Task::kSync:
    case api::Task::kAftersales:
      break;
  }
  return {};
}

std::string_view failed_noun(api::Task task) {
  switch (task) {
    case api::Task::kBillDownload:
      return "dates";
    case api::Task::kRetry:
      return "receivers";
    default:
      return "orders";
  }
}

std::string item_list(const std::vector<std::string>& items, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > limit) out += " and " + std::to_string(items.size() - limit) + " more";
  return out;
}

std::string counts_text(const ProfitShareRunResult& r) {
  std::string out;
  for (const auto key : api::count_keys(r.task)) {
    if (!out.empty()) out += ", ";
    out += std::string(key) + " " + std::to_string(r.count(key));
  }
  return out;
}

std::string would_text(const std::vector<WouldChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    out += out.empty() ? "; would " : ", ";
    out += c.action + " " + c.item;
  }
  return out;
}

}  // namespace

std::int64_t ProfitShareRunResult::count(std::string_view key) const {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

void ProfitShareRunResult::add(std::string_view key, std::int64_t n) {
  auto it = counts.find(key);
  if (it == counts.end()) it = counts.emplace(std::string(key), 0).first;
  it->second += n;
}

void ProfitShareRunResult::add_metric(std::string_view label, std::int64_t n) {
  for (auto& m : metric_increments) {
    if (m.label == label) {
      m.value += n;
      return;
    }
  }
  metric_increments.push_back(MetricIncrement{std::string(label), n});
}

runs::JobResult ProfitShareRunResult::job_result() const {
  return runs::JobResult{outcome, message, counts};
}

ProfitShareRunResult empty_result(api::Task task, bool dry_run) {
  ProfitShareRunResult r;
  r.task = task;
  r.dry_run = dry_run;
  r.counts = api::zero_counts(task);
  if (task == api::Task::kSync) {
    for (auto s : kSyncStates) r.metric_increments.push_back({std::string(s), 0});
  }
  for (const auto& m : metric_sources(task)) {
    r.metric_increments.push_back({std::string(m.label), 0});
  }
  return r;
}

void settle_metrics(ProfitShareRunResult& r) {
  for (const auto& m : metric_sources(r.task)) {
    for (auto& inc : r.metric_increments) {
      if (inc.label == m.label) inc.value = r.count(m.count_key);
    }
  }
  if (r.dry_run) {
    for (auto& inc : r.metric_increments) inc.value = 0;
  }
}

api::Outcome decide_outcome(const ProfitShareRunResult& r, bool stop_requested) {
  if (r.error) {
    return r.error->code == ErrorCode::kCancelled || stop_requested ? api::Outcome::kCancelled
                                                                    : api::Outcome::kFailed;
  }
  if (stop_requested) return api::Outcome::kCancelled;
  return r.count(count::kFailed) > 0 ? api::Outcome::kPartiallyFailed : api::Outcome::kSucceeded;
}

std::string build_message(const ProfitShareRunResult& r) {
  std::string body = (r.dry_run ? "dry run, nothing changed: " : "") + counts_text(r);
  if (!r.failed_items.empty()) {
    body += "; failed " + std::string(failed_noun(r.task)) + " " +
            item_list(r.failed_items, kMessageIdLimit);
  }
  if (r.dry_run) body += would_text(r.would_change);
  switch (r.outcome) {
    case api::Outcome::kFailed:
      return (r.error ? r.error->message : std::string("run failed")) + " (before that: " + body +
             ")";
    case api::Outcome::kCancelled:
    case api::Outcome::kDeadlineExceeded:
      return "cancelled (before that: " + body + ")";
    case api::Outcome::kSucceeded:
    case api::Outcome::kPartiallyFailed:
      break;
  }
  return body;
}

}  // namespace orderops::profitshare
