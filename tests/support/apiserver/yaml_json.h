// YAML to JSON for server-side apply bodies (application/apply-patch+yaml). Plain scalars get
// YAML 1.1 core typing (null, booleans, integers, floats); quoted scalars stay strings. Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/status_error.h"

namespace orderops::apiserver {

ApiResult<nlohmann::json> yaml_to_json(const std::string& text);

}  // namespace orderops::apiserver
