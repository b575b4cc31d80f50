// metadata.managedFields bookkeeping and server-side apply. Field sets are FieldsV1 trees
// ("f:spec": {"f:x": {}}; items of x-kubernetes-list-type=map lists as "k:{...}"; every other
// list is atomic). Simplified against upstream structured-merge-diff, documented in README.md:
// conflicts are found per leaf (a field another manager owns whose live value differs from the
// applied one); granular list ownership exists only for list-type=map lists. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/status_error.h"

namespace orderops::apiserver {

struct ManagerInfo {
  std::string manager;
  std::string api_version;
  std::string time;         // RFC 3339
  std::string subresource;  // "" or "status"
};

// Records an Update operation: the manager takes ownership of every field it changed.
void record_update(const nlohmann::json* old_object, nlohmann::json& new_object,
                   const ManagerInfo& who, const nlohmann::json& schema);

// Server-side apply of `applied` onto `live` (null for a create). 409 Conflict on conflicts
// unless `force`.
ApiResult<nlohmann::json> server_side_apply(const nlohmann::json& live,
                                            const nlohmann::json& applied, const ManagerInfo& who,
                                            bool force, const nlohmann::json& schema);

}  // namespace orderops::apiserver
