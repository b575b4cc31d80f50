// JSON codec for the two kinds as the Kubernetes API serves them: decoding tolerates unknown
// fields and a missing status and names every mistyped field by its JSON path; encoding writes
// what a /status write needs. Pure; thread-safe.
#pragma once

// Only forward-declared: callers that build or read the JSON include <nlohmann/json.hpp>.
#include <nlohmann/json_fwd.hpp>

#include "api/aftersales_timeout_policy.h"
#include "api/profit_share_schedule.h"
#include "common/error.h"

namespace orderops::api {

// Decodes the object; absent fields keep the API defaults (as if the API server had defaulted
// them). Error (kInvalid, reason InvalidSpec) lists each problem, "; "-separated:
// `spec.batchSize: expected integer, got string; spec.concurrencyPolicy: "Sometimes": must be one
// of Forbid, Replace, Allow`. A kind or apiVersion present and different is an error too.
Result<AftersalesTimeoutPolicy> decode_aftersales_timeout_policy(const nlohmann::json& object);
Result<ProfitShareSchedule> decode_profit_share_schedule(const nlohmann::json& object);

// Decodes and validates the spec in one pass, so a user sees every decode and validation problem
// at once (validation.h). What the reconciler and `orderops run -f` use.
Result<AftersalesTimeoutPolicy> parse_aftersales_timeout_policy(const nlohmann::json& object);
Result<ProfitShareSchedule> parse_profit_share_schedule(const nlohmann::json& object);

// How the encoded status will be written. kReplace (PUT /status, the CronJob controller's
// UpdateStatus) omits absent optional fields as the API conventions do. kMergePatch writes null
// for them instead, because a merge patch keeps fields it does not mention (an `active` run that
// ended must be removed).
enum class StatusWrite { kReplace, kMergePatch };

// The value of the object's "status" field. Times are RFC 3339 in whole seconds; conditions are
// an array (list-map keyed by type).
nlohmann::json encode_status(const AftersalesTimeoutPolicyStatus& status,
                             StatusWrite write = StatusWrite::kReplace);
nlohmann::json encode_status(const ProfitShareScheduleStatus& status,
                             StatusWrite write = StatusWrite::kReplace);

// The whole object (apiVersion, kind, metadata, spec with every field, status). For tests,
// fixtures and `orderops run` output; the controller never writes spec.
nlohmann::json encode(const AftersalesTimeoutPolicy& resource);
nlohmann::json encode(const ProfitShareSchedule& resource);

}  // namespace orderops::api
