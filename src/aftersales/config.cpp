#include "aftersales/config.h"

#include "common/go_duration.h"
#include "pg/identifier.h"

namespace orderops::aftersales {

namespace {

std::string range_error(std::string_view field, std::int64_t v, std::int64_t lo, std::int64_t hi) {
  return std::string(field) + ": " + std::to_string(v) + " out of range " + std::to_string(lo) +
         "-" + std::to_string(hi);
}

constexpr std::string_view kAfterFields[] = {"spec.timeouts.pendingApproval.after",
                                             "spec.timeouts.pendingReturn.after",
                                             "spec.timeouts.pendingReceive.after"};

}  // namespace

const StateTimeout& Timeouts::of(TimedState s) const {
  switch (s) {
    case TimedState::kPendingReturn:
      return pending_return;
    case TimedState::kPendingReceive:
      return pending_receive;
    case TimedState::kPendingApproval:
      break;
  }
  return pending_approval;
}

std::vector<TimedState> AftersalesJobConfig::enabled_states() const {
  std::vector<TimedState> out;
  for (const auto& t : kTransitions) {
    if (timeouts.of(t.state).enabled) out.push_back(t.state);
  }
  return out;
}

Status validate(const AftersalesJobConfig& c) {
  if (c.batch_size < 1 || c.batch_size > kMaxBatchSize) {
    return invalid(range_error("spec.batchSize", c.batch_size, 1, kMaxBatchSize));
  }
  if (c.parallelism < 1 || c.parallelism > kMaxParallelism) {
    return invalid(range_error("spec.parallelism", c.parallelism, 1, kMaxParallelism));
  }
  if (c.max_records < 0) {
    return invalid("spec.maxRecordsPerRun: " + std::to_string(c.max_records) +
                   " must be >= 0 (0 means no cap)");
  }
  auto table = pg::TableName::parse(c.table, "spec.database.table");
  if (!table) return std::unexpected(table.error());
  auto log = pg::TableName::parse(c.log_table, "spec.database.logTable");
  if (!log) return std::unexpected(log.error());
  if (table->quoted() == log->quoted()) {
    return invalid("spec.database.logTable: \"" + c.log_table +
                   "\" must differ from spec.database.table");
  }
  if (!c.notify_channel.empty() && c.notify_channel.size() > kMaxChannelLength) {
    return invalid("spec.database.notifyChannel: longer than 63 bytes");
  }
  for (const auto& t : kTransitions) {
    const auto& timeout = c.timeouts.of(t.state);
    if (timeout.enabled && timeout.after <= Duration::zero()) {
      return invalid(std::string(kAfterFields[static_cast<std::size_t>(t.state)]) + ": \"" +
                     format_go_duration(timeout.after) + "\" must be positive");
    }
  }
  if (c.sample_size < 0) return invalid("sample size must be >= 0");
  return {};
}

}  // namespace orderops::aftersales
