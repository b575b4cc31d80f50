// The bridge from an AftersalesTimeoutPolicy spec (already validated) to what one run of the job
// needs, shared by the reconciler and `orderops run -f` so both run the same thing. Pure;
// thread-safe.
#pragma once

#include "aftersales/config.h"
#include "api/aftersales_timeout_policy.h"
#include "common/error.h"

namespace orderops::aftersales {

// kInvalid only for a spec that validation would have refused (a duration that does not parse),
// so callers can rely on validate() having run without trusting it blindly.
Result<AftersalesJobConfig> config_from_spec(const api::AftersalesTimeoutPolicySpec& spec);

}  // namespace orderops::aftersales
