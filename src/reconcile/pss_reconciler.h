// The ProfitShareSchedule reconciler (api.md 1.3-5, jobs.md 3): one merchant per resource, four
// independently scheduled tasks (sync, billDownload, retry, unfreeze) sharing the merchant's
// WeChat Pay rate limit. Each round observes the spec, the database and credentials Secrets, the
// database and the credentials; decides each task (decide_task); fences every start in one status
// write; starts the runs; and writes status once. Thread-safe in the same way as AtpReconciler.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/profit_share_schedule.h"
#include "common/clock.h"
#include "common/log.h"
#include "kube/object.h"
#include "kube/resource.h"
#include "profitshare/config.h"
#include "profitshare/merchant_client.h"
#include "profitshare/run_context.h"
#include "profitshare/run_result.h"
#include "reconcile/credentials_probe.h"
#include "reconcile/database_probe.h"
#include "reconcile/resource_support.h"
#include "reconcile/run_ledger.h"
#include "reconcile/secret_source.h"
#include "runs/run_pool.h"
#include "runtime/reconciler.h"
#include "runtime/status_writer.h"
#include "runtime/store.h"
#include "wechatpay/client.h"

namespace orderops::reconcile {

// What a run of any task needs to reach the merchant's database and WeChat Pay.
struct MerchantSession {
  api::ProfitShareScheduleSpec spec;
  profitshare::ResolvedSecrets secrets;                 // never logged
  std::string database_url;                             // never logged
  std::shared_ptr<wechatpay::MerchantLimiter> limiter;  // shared by the merchant's tasks
};

using ProfitShareJob = std::function<profitshare::ProfitShareRunResult(
    api::Task task, const profitshare::ProfitShareConfig& config, const MerchantSession& session,
    const profitshare::RunContext& ctx)>;
// Opens the PostgreSQL store and a WeChat Pay client (reporting each call to `observer`) per run.
ProfitShareJob make_profitshare_job(std::shared_ptr<wechatpay::RequestObserver> observer);

struct PssHooks {
  ConditionSink condition_set;
  std::function<void(const kube::ObjectKey&)> resource_gone;
  std::function<void(const kube::ObjectKey&, api::Task, const api::RunRecord&)> run_finished;
  std::function<void(const kube::ObjectKey&, const profitshare::ProfitShareRunResult&)> job_result;
};

struct PssReconcilerDeps {
  kube::ResourceType type;  // orderops.io/v1alpha1 profitshareschedules
  const runtime::Store& schedules;
  const SecretSource& secrets;
  DatabaseProbe& database;
  CredentialsProbe& credentials;
  runs::RunPool& pool;
  RunLedger& ledger;
  runtime::StatusWriter& status;
  EventSink events;
  ProfitShareJob job;
  std::function<void(const kube::ObjectKey&)> enqueue;
  const Clock& clock;
  Logger log;
  PssHooks hooks;
};

class PssReconciler final : public runtime::Reconciler {
 public:
  explicit PssReconciler(PssReconcilerDeps deps) : d_(std::move(deps)) {}
  Result<runtime::Action> reconcile(const kube::ObjectKey& key, std::stop_token stop) override;

 private:
  struct Observed;
  Observed observe(const kube::Json& object, std::stop_token stop);
  Result<TaskDecision> decide(const api::ProfitShareSchedule& schedule,
                              const api::TaskStatus& stored, api::Task task, SystemTime now) const;
  std::shared_ptr<wechatpay::MerchantLimiter> limiter_for(const api::ProfitShareSchedule& s);
  void start_run(const kube::Json& object, const Observed& o, api::Task task,
                 const StartRun& start);
  void on_finished(const kube::ObjectKey& key, const runtime::ObjectReference& ref, api::Task task,
                   const api::RunRecord& record, const profitshare::ProfitShareRunResult& result);

  PssReconcilerDeps d_;
  std::mutex mu_;
  // One limiter per merchant resource (uid), so its four tasks share requestsPerSecond and
  // maxConcurrentRequests. guarded by mu_
  std::map<std::string, std::shared_ptr<wechatpay::MerchantLimiter>> limiters_;
};

// The schedules in the Secret's namespace that use it (database, credentials or CA Secret).
std::vector<kube::ObjectKey> schedules_using_secret(const runtime::Store& schedules,
                                                    const kube::Json& secret);

}  // namespace orderops::reconcile
