#include "aftersales/policy_config.h"

#include "common/go_duration.h"

namespace orderops::aftersales {
namespace {

Result<StateTimeout> state_timeout(const api::TimeoutRule& rule, std::string_view field) {
  auto after = parse_go_duration(rule.after);
  if (!after) return std::unexpected(after.error().wrap(field));
  return StateTimeout{rule.enabled, *after};
}

}  // namespace

Result<AftersalesJobConfig> config_from_spec(const api::AftersalesTimeoutPolicySpec& spec) {
  AftersalesJobConfig config;
  config.dry_run = spec.dry_run;
  config.batch_size = spec.batch_size;
  config.parallelism = spec.parallelism;
  config.max_records = spec.max_records_per_run;
  config.table = spec.database.table;
  config.log_table = spec.database.log_table;
  config.notify_channel = spec.database.notify_channel;
  const auto& t = spec.timeouts;
  auto approval = state_timeout(t.pending_approval, "spec.timeouts.pendingApproval.after");
  if (!approval) return std::unexpected(approval.error());
  auto ret = state_timeout(t.pending_return, "spec.timeouts.pendingReturn.after");
  if (!ret) return std::unexpected(ret.error());
  auto receive = state_timeout(t.pending_receive, "spec.timeouts.pendingReceive.after");
  if (!receive) return std::unexpected(receive.error());
  config.timeouts = Timeouts{*approval, *ret, *receive, t.fill_missing_deadlines};
  if (auto valid = validate(config); !valid) return std::unexpected(valid.error());
  return config;
}

}  // namespace orderops::aftersales
