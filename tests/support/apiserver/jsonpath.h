// The subset of Kubernetes JSONPath that CRD printer columns use: ".a.b", "['a.b']", "[0]",
// "[*]", and filters "[?(@.type=="Ready")]" (== and !=, string or number literals, or a bare
// "@.field" existence test). Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "apiserver/status_error.h"

namespace orderops::apiserver {

// Every value the path selects, in document order. A malformed path is a 400 BadRequest.
ApiResult<std::vector<nlohmann::json>> evaluate_jsonpath(std::string_view path,
                                                         const nlohmann::json& root);

}  // namespace orderops::apiserver
