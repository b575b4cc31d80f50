// Validation of the two kinds: every problem at once, each naming its JSON path, e.g.
// `spec.schedule: "61 * * * *": minute 61 out of range 0-59`. Pure; thread-safe.
#pragma once

#include <string_view>

#include "api/aftersales_timeout_policy.h"
#include "api/field_error.h"
#include "api/profit_share_schedule.h"

namespace orderops::api {

// The limits match the CRD schemas in crds/, and go further where a schema cannot (cron fields,
// loadable time zones, positive durations, distinct tables).
// metadata.name plus the spec. An empty result means valid.
FieldErrors validate(const AftersalesTimeoutPolicy& resource);
FieldErrors validate(const ProfitShareSchedule& resource);

// Paths start with "spec.".
FieldErrors validate_spec(const AftersalesTimeoutPolicySpec& spec);
FieldErrors validate_spec(const ProfitShareScheduleSpec& spec);

// The scheduling fields of api.md 1.1 at `path` ("spec" for an ATP).
FieldErrors validate_scheduling(const Scheduling& scheduling, std::string_view path);

}  // namespace orderops::api
