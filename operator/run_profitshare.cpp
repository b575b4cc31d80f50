// The ProfitShareSchedule tasks of `orderops run`: the manager's pieces (config_from_spec, the
// database probe, make_profitshare_job over a MerchantSession) for one task, once.
#include "pg/schema.h"
#include "profitshare/config.h"
#include "profitshare/merchant_client.h"
#include "reconcile/database_probe.h"
#include "reconcile/pss_reconciler.h"
#include "reconcile/resource_support.h"
#include "reconcile/secret_source.h"
#include "run_task.h"

namespace orderops::cli {
namespace {

class ProfitShareTaskRun final : public TaskRun {
 public:
  ProfitShareTaskRun(api::Task task, reconcile::MerchantSession session, bool dry_run,
                     std::string ns, std::string name, const Clock& clock, Logger log)
      : task_(task),
        session_(std::move(session)),
        dry_run_(dry_run),
        ns_(std::move(ns)),
        name_(std::move(name)),
        clock_(clock),
        log_(std::move(log)) {}

  runs::JobResult execute(const runs::RunContext& rc) override {
    // As the manager: only a database with the profit-share schema is worked on.
    pg::SchemaOptions schema;
    schema.parts = {pg::SchemaPart::kProfitShare};
    reconcile::PgDatabaseProbe probe(clock_);
    if (auto ok = probe.probe(session_.database_url, schema, rc.stop); !ok) {
      result_.task = task_;
      result_.dry_run = dry_run_;
      result_.outcome = rc.stop.stop_requested() ? api::Outcome::kCancelled : api::Outcome::kFailed;
      result_.error = ok.error();
      result_.message = ok.error().message;
      return result_.job_result();
    }
    const profitshare::RunContext ctx{rc.run_id, ns_, name_, dry_run_, rc.stop, log_, clock_, {}};
    result_ = reconcile::make_profitshare_job(nullptr)(
        task_, profitshare::config_from_spec(session_.spec), session_, ctx);
    return result_.job_result();
  }

  void describe(const api::RunRecord& record, SummaryTable& table) const override {
    for (std::string_view key : api::count_keys(task_)) {
      const auto it = record.counts.find(key);
      table.add(std::string(key), std::to_string(it == record.counts.end() ? 0 : it->second));
    }
    for (const auto& w : result_.would_change) table.add(w.action, w.item);
    if (result_.orders_stuck) table.add("orders stuck", std::to_string(*result_.orders_stuck));
    if (result_.receivers_finally_failed) {
      table.add("receivers finally failed", std::to_string(*result_.receivers_finally_failed));
    }
  }

 private:
  const api::Task task_;
  const reconcile::MerchantSession session_;  // keys and URL: never shown or logged
  const bool dry_run_;
  const std::string ns_;
  const std::string name_;
  const Clock& clock_;
  const Logger log_;
  profitshare::ProfitShareRunResult result_;  // written by execute(), read by describe()
};

}  // namespace

Result<PreparedRun> prepare_profitshare_run(const api::ProfitShareSchedule& schedule,
                                            api::Task task, const RunSetup& setup) {
  const auto& spec = schedule.spec;
  reconcile::MerchantSession session;
  session.spec = spec;
  const auto& db = spec.database.secret_ref;
  auto url = reconcile::secret_value(setup.secrets, setup.ns, db.name, db.key);
  if (!url) return std::unexpected(url.error());
  session.database_url = reconcile::trim(std::move(*url));
  if (session.database_url.empty()) {
    return invalid("secret " + setup.ns + "/" + db.name + " key \"" + db.key + "\" is empty");
  }
  auto credentials = setup.secrets.get(setup.ns, spec.merchant.credentials_secret_ref.name);
  if (!credentials) return std::unexpected(credentials.error());
  session.secrets.credentials.insert(credentials->begin(), credentials->end());
  if (spec.ca_secret_ref) {
    auto ca = reconcile::secret_value(setup.secrets, setup.ns, spec.ca_secret_ref->name,
                                      spec.ca_secret_ref->key);
    if (!ca) return std::unexpected(ca.error());
    session.secrets.ca_pem = std::move(*ca);
  }
  // Malformed keys are bad input, said before anything runs.
  if (auto creds = profitshare::merchant_credentials(spec, session.secrets.credentials); !creds) {
    return std::unexpected(creds.error());
  }
  session.limiter = profitshare::make_merchant_limiter(spec, setup.clock);

  PreparedRun out;
  out.active_deadline = std::chrono::seconds(api::task_timing(spec, task).active_deadline_seconds);
  out.dry_run = spec.dry_run || setup.force_dry_run;
  out.database_url = session.database_url;
  if (spec.suspend) out.notes.emplace_back("suspend", "true (a manual run ignores it)");
  if (!api::task_timing(spec, task).enabled) {
    out.notes.emplace_back("enabled", "false (a manual run ignores it)");
  }
  out.task = std::make_unique<ProfitShareTaskRun>(task, std::move(session), out.dry_run, setup.ns,
                                                  schedule.metadata.name, setup.clock,
                                                  setup.log.named(api::metric_name(task)));
  return out;
}

}  // namespace orderops::cli
