// CRD structural-schema processing, in the order the apiextensions server applies it to a
// request body: prune unknown fields (reporting their paths for fieldValidation), drop nulls the
// schema does not allow and apply defaults, then validate (type, enum, bounds, lengths, pattern,
// format, required, items, list-map keys) into field errors worded as kube-openapi words them.
// x-kubernetes-validations (CEL) rules are not evaluated. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apiserver/status_error.h"

namespace orderops::apiserver {

// Removes fields the schema does not know (apiVersion, kind and the ObjectMeta fields of
// metadata are always known at the root). Returns the removed paths, e.g. "spec.foo".
std::vector<std::string> prune_object(nlohmann::json& object, const nlohmann::json& schema);

// Fills defaults for absent fields (and for nulls of non-nullable fields), recursively.
void apply_defaults(nlohmann::json& object, const nlohmann::json& schema);

// Validates a whole custom resource against its openAPIV3Schema.
std::vector<FieldError> validate_object(const nlohmann::json& object, const nlohmann::json& schema);

// The known fields of metadata (ObjectMeta), for pruning and strict decoding of every kind.
bool is_object_meta_field(const std::string& name);

}  // namespace orderops::apiserver
