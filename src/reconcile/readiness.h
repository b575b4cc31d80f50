// Ready and Stalled (api.md section 2) from the first problem that blocks a resource, shared by
// both kinds. A problem is an Error whose `reason` names the condition reason (InvalidSpec,
// SecretNotFound, InvalidCredentials, DatabaseUnavailable, SchemaMismatch). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/condition.h"
#include "api/run_status.h"
#include "common/error.h"

namespace orderops::reconcile {

struct Readiness {
  bool ready = true;
  std::string reason;  // Scheduled | Suspended | one of the blocking reasons
  std::string message;
  // A person must change something before the resource can progress: everything except a
  // database that is merely unreachable (network, timeout), which is retried with backoff.
  bool stalled = false;
};

// `problem` is the first blocking error observed, if any. Errors without a known reason count
// as DatabaseUnavailable-like transient failures only when retryable, else as InvalidSpec.
Readiness readiness(const std::optional<Error>& problem, bool suspended);

// Writes Ready and Stalled into `conditions` for `generation`.
void set_readiness_conditions(std::vector<api::Condition>& conditions, const Readiness& r,
                              std::int64_t generation, SystemTime now);

// The condition helper every status assembly uses: set `type` to True/False with its reason.
void set_flag(std::vector<api::Condition>& conditions, std::string_view type, bool value,
              std::string_view true_reason, std::string_view false_reason, std::string message,
              std::int64_t generation, SystemTime now);

// Running: True while any run is queued or in progress (names the oldest).
void set_running_condition(std::vector<api::Condition>& conditions,
                           const std::vector<api::ActiveRun>& active, std::int64_t generation,
                           SystemTime now);

// RunFailing: True at `threshold` or more failed runs in a row; `what` says where ("3
// consecutive failed run(s) of retry").
void set_run_failing_condition(std::vector<api::Condition>& conditions,
                               std::int64_t consecutive_failures, std::int64_t threshold,
                               std::string_view what, std::int64_t generation, SystemTime now);

}  // namespace orderops::reconcile
