// YAML to JSON as kubectl reads manifests (sigs.k8s.io/yaml over go-yaml v2): plain scalars
// resolve to null, booleans (true/false, yes/no, on/off), integers and floats; quoted scalars stay
// strings. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"

namespace orderops::api {

// Every non-empty document of a (multi-document) YAML text. JSON text is YAML too. Errors
// (kInvalid) name `source`, the line and the column.
Result<std::vector<nlohmann::json>> yaml_documents_to_json(std::string_view text,
                                                           std::string_view source);

}  // namespace orderops::api
