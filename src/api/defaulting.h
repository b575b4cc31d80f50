// API-server-style defaulting of a manifest's JSON, from the same table as the CRD schemas
// (defaults.h), so `orderops run -f` outside the cluster sees the object the API server would
// have stored. Pure; thread-safe.
#pragma once

#include <span>

#include <nlohmann/json_fwd.hpp>

#include "api/defaults.h"

namespace orderops::api {

// Fills every absent or null field that has a default in `table` (paths relative to `object`).
// Intermediate objects are created unless the entry says its parent must exist. A field of the
// wrong type is left alone (decoding reports it).
void apply_defaults(nlohmann::json& object, std::span<const defaults::DefaultValue> table);

// The entry's value as JSON ("72h", 100, true, ["RECEIVER_HIGH_RISK", ...]).
nlohmann::json default_json(const defaults::DefaultValue& entry);

// Picks the table by the object's "kind"; returns false (object untouched) for other kinds.
bool apply_defaults(nlohmann::json& object);

}  // namespace orderops::api
