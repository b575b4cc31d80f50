// ObjectMeta and built-in kind rules shared by every write: name, label and ownerReference
// validation, Secret stringData folding, MicroTime/Time normalisation for Leases and Events, Event
// namespace rules, the core/v1 <-> events.k8s.io/v1 Event conversion, and the shape objects are
// returned in. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apiserver/resource_type.h"
#include "apiserver/status_error.h"

namespace orderops::apiserver {

std::vector<FieldError> validate_metadata(const ResourceType& type, const nlohmann::json& meta);

// Normalises a built-in object as decoding into its Go type would (times, Secret data); decoding
// failures are 400 BadRequest, rule violations are returned as field errors.
ApiResult<std::vector<FieldError>> normalize_builtin(const ResourceType& type,
                                                     nlohmann::json& object);

// The stored form of an object (events.k8s.io Events are stored as core/v1 Events).
nlohmann::json to_storage(const ResourceType& type, nlohmann::json object);
// The object as a client of `type`'s group/version sees it.
nlohmann::json present(const ResourceType& type, nlohmann::json stored);

// "<Kind> in version \"<v>\" cannot be handled as a <Kind>: <detail>" (400).
ApiError decode_error(const ResourceType& type, const std::string& detail);

}  // namespace orderops::apiserver
