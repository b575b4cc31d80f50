// The patch formats the API accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
// strategic merge patch for built-ins at merge-patch level (directives stripped, finalizers and
// ownerReferences merged by their patch keys). Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "apiserver/status_error.h"

namespace orderops::apiserver {

nlohmann::json merge_patch(nlohmann::json target, const nlohmann::json& patch);
ApiResult<nlohmann::json> json_patch(nlohmann::json target, const nlohmann::json& operations);
nlohmann::json strategic_merge_patch(nlohmann::json target, const nlohmann::json& patch);

}  // namespace orderops::apiserver
