// The AftersalesTimeoutPolicy task of `orderops run`: the manager's pieces (config_from_spec, the
// database probe, make_pg_aftersales_job) in the order the reconciler uses them.
#include <chrono>

#include "aftersales/policy_config.h"
#include "aftersales/run_result.h"
#include "common/go_duration.h"
#include "pg/schema.h"
#include "reconcile/atp_reconciler.h"
#include "reconcile/database_probe.h"
#include "reconcile/resource_support.h"
#include "reconcile/secret_source.h"
#include "run_task.h"

namespace orderops::cli {
namespace {

class AftersalesTaskRun final : public TaskRun {
 public:
  AftersalesTaskRun(aftersales::AftersalesJobConfig config, std::string url, std::string ns,
                    std::string name, const Clock& clock, Logger log)
      : config_(std::move(config)),
        url_(std::move(url)),
        ns_(std::move(ns)),
        name_(std::move(name)),
        clock_(clock),
        log_(std::move(log)) {}

  runs::JobResult execute(const runs::RunContext& rc) override {
    // The manager starts a run only on a database that answers with the expected schema; the
    // probe's words ("run `orderops db migrate`") beat a failed statement's.
    pg::SchemaOptions schema;
    schema.aftersales_table = config_.table;
    schema.aftersales_log_table = config_.log_table;
    schema.parts = {pg::SchemaPart::kAftersales};
    reconcile::PgDatabaseProbe probe(clock_);
    if (auto ok = probe.probe(url_, schema, rc.stop); !ok) {
      result_.outcome =
          rc.stop.stop_requested() ? aftersales::Outcome::kCancelled : aftersales::Outcome::kFailed;
      result_.dry_run = config_.dry_run;
      result_.error = ok.error();
      result_.message = ok.error().message;
      return result_.job_result();
    }
    const aftersales::RunContext ctx{rc.run_id, ns_, name_, rc.stop, log_, clock_};
    result_ = reconcile::make_pg_aftersales_job()(config_, url_, ctx);
    return result_.job_result();
  }

  void describe(const api::RunRecord&, SummaryTable& table) const override {
    const auto& c = result_.counts;
    table.add("selected", std::to_string(c.selected));
    if (result_.dry_run) {
      describe_would_change(table);
    } else {
      table.add("approved", std::to_string(c.approved));
      table.add("cancelled", std::to_string(c.cancelled));
      table.add("received", std::to_string(c.received));
      table.add("deadlines set", std::to_string(c.deadlines_set));
    }
    table.add(
        "failed", std::to_string(c.failed),
        result_.failed_ids.empty()
            ? ""
            : "(ids " +
                  aftersales::format_id_list(result_.failed_ids, aftersales::kMessageIdLimit) +
                  ")");
    describe_backlog(table);
  }

 private:
  void describe_would_change(SummaryTable& table) const {
    constexpr std::string_view kVerb[] = {"would approve", "would cancel", "would receive"};
    for (const auto& t : aftersales::kTransitions) {
      std::string note;
      for (const auto& s : result_.samples) {
        if (s.from == t.state && !s.ids.empty())
          note = "(e.g. ids " + aftersales::format_id_list(s.ids, 10) + ")";
      }
      table.add(std::string(kVerb[static_cast<std::size_t>(t.state)]),
                std::to_string(result_.counts.transitioned(t.state)), note);
    }
    table.add("would set deadlines", std::to_string(result_.counts.deadlines_set));
  }

  void describe_backlog(SummaryTable& table) const {
    if (!result_.backlog) {
      table.add("backlog", "not measured");
      return;
    }
    const auto& b = *result_.backlog;
    table.add("backlog",
              std::to_string(b.total) + " overdue (oldest " +
                  format_go_duration(std::chrono::seconds(b.oldest_overdue_seconds)) + ")",
              b.total == 0 ? ""
                           : "approval " + std::to_string(b.pending_approval) + ", return " +
                                 std::to_string(b.pending_return) + ", receive " +
                                 std::to_string(b.pending_receive));
  }

  const aftersales::AftersalesJobConfig config_;
  const std::string url_;  // never shown or logged
  const std::string ns_;
  const std::string name_;
  const Clock& clock_;
  const Logger log_;
  aftersales::AftersalesRunResult result_;  // written by execute(), read by describe()
};

}  // namespace

Result<PreparedRun> prepare_aftersales_run(const api::AftersalesTimeoutPolicy& policy,
                                           const RunSetup& setup) {
  const auto& spec = policy.spec;
  auto config = aftersales::config_from_spec(spec);
  if (!config) return std::unexpected(config.error());
  config->dry_run = spec.dry_run || setup.force_dry_run;

  const auto& ref = spec.database.secret_ref;
  auto url = reconcile::secret_value(setup.secrets, setup.ns, ref.name, ref.key);
  if (!url) return std::unexpected(url.error());
  std::string database_url = reconcile::trim(std::move(*url));
  if (database_url.empty()) {
    return invalid("secret " + setup.ns + "/" + ref.name + " key \"" + ref.key + "\" is empty");
  }

  PreparedRun out;
  out.active_deadline = std::chrono::seconds(spec.scheduling.active_deadline_seconds);
  out.dry_run = config->dry_run;
  out.database_url = database_url;
  if (spec.scheduling.suspend) out.notes.emplace_back("suspend", "true (a manual run ignores it)");
  out.task = std::make_unique<AftersalesTaskRun>(std::move(*config), std::move(database_url),
                                                 setup.ns, policy.metadata.name, setup.clock,
                                                 setup.log.named("aftersales"));
  return out;
}

}  // namespace orderops::cli
