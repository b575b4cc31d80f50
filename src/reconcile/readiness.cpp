#include "reconcile/readiness.h"

#include "api/condition_types.h"

namespace orderops::reconcile {
namespace {

namespace reasons = api::reasons;

bool is_blocking_reason(std::string_view r) {
  return r == reasons::kInvalidSpec || r == reasons::kSecretNotFound ||
         r == reasons::kInvalidCredentials || r == reasons::kDatabaseUnavailable ||
         r == reasons::kSchemaMismatch;
}

}  // namespace

Readiness readiness(const std::optional<Error>& problem, bool suspended) {
  if (!problem) {
    return Readiness{true, std::string(suspended ? reasons::kSuspended : reasons::kScheduled),
                     suspended ? "suspended: no new runs start" : "scheduled", false};
  }
  Readiness r;
  r.ready = false;
  r.message = problem->message;
  if (is_blocking_reason(problem->reason)) {
    r.reason = problem->reason;
  } else {
    r.reason =
        std::string(problem->retryable() ? reasons::kDatabaseUnavailable : reasons::kInvalidSpec);
  }
  // api.md 2: DatabaseUnavailable stalls only when the database refuses the credentials or does
  // not exist; network errors and timeouts are retried and leave Stalled False.
  r.stalled = r.reason != reasons::kDatabaseUnavailable ||
              problem->code == ErrorCode::kUnauthorized || problem->code == ErrorCode::kNotFound ||
              problem->code == ErrorCode::kForbidden;
  return r;
}

void set_flag(std::vector<api::Condition>& conditions, std::string_view type, bool value,
              std::string_view true_reason, std::string_view false_reason, std::string message,
              std::int64_t generation, SystemTime now) {
  api::Condition c;
  c.type = std::string(type);
  c.status = value ? api::ConditionStatus::kTrue : api::ConditionStatus::kFalse;
  c.observed_generation = generation;
  c.reason = std::string(value ? true_reason : false_reason);
  c.message = std::move(message);
  api::set_condition(conditions, std::move(c), now);
}

void set_readiness_conditions(std::vector<api::Condition>& conditions, const Readiness& r,
                              std::int64_t generation, SystemTime now) {
  set_flag(conditions, api::conditions::kReady, r.ready, r.reason, r.reason, r.message, generation,
           now);
  set_flag(conditions, api::conditions::kStalled, r.stalled, r.reason, reasons::kHealthy,
           r.stalled ? r.message : "", generation, now);
}

void set_running_condition(std::vector<api::Condition>& conditions,
                           const std::vector<api::ActiveRun>& active, std::int64_t generation,
                           SystemTime now) {
  set_flag(conditions, api::conditions::kRunning, !active.empty(), reasons::kRunActive,
           reasons::kIdle,
           active.empty() ? "no run in progress" : "run " + active.front().run_id + " in progress",
           generation, now);
}

void set_run_failing_condition(std::vector<api::Condition>& conditions,
                               std::int64_t consecutive_failures, std::int64_t threshold,
                               std::string_view what, std::int64_t generation, SystemTime now) {
  std::string message = std::to_string(consecutive_failures) + " consecutive failed run(s)";
  if (!what.empty()) message += " of " + std::string(what);
  message += ", threshold " + std::to_string(threshold);
  set_flag(conditions, api::conditions::kRunFailing, consecutive_failures >= threshold,
           reasons::kConsecutiveFailures, reasons::kRunsSucceeding, std::move(message), generation,
           now);
}

}  // namespace orderops::reconcile
