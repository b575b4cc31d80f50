// Loads OrderOps resources from a manifest file for `orderops run -f`: YAML (or JSON), one or more
// documents, other kinds (Secrets, Namespaces, ...) skipped. Each resource is defaulted as the
// API server would, decoded and validated. Thread-safe (reads the file it is given).
#pragma once

#include <filesystem>
#include <string_view>
#include <variant>
#include <vector>

#include "api/aftersales_timeout_policy.h"
#include "api/profit_share_schedule.h"
#include "common/error.h"

namespace orderops::api {

using Resource = std::variant<AftersalesTimeoutPolicy, ProfitShareSchedule>;

std::string_view kind_of(const Resource& resource);
const ObjectMeta& metadata_of(const Resource& resource);

// Every AftersalesTimeoutPolicy and ProfitShareSchedule in the text, in file order. Errors
// (kInvalid) name the source and the document: `shop.yaml: document 2 (AftersalesTimeoutPolicy
// shop-aftersales): spec.batchSize: 0: must be between 1 and 10000`. A document of our API group
// with another kind is an error; no resource at all is an error.
Result<std::vector<Resource>> load_resources(std::string_view text, std::string_view source);
// The same from a file (kNotFound when it cannot be read).
Result<std::vector<Resource>> load_resources_file(const std::filesystem::path& path);

// The one resource of the file; with `name`, the one of that name. More than one candidate is
// an error that lists them.
Result<Resource> load_resource_file(const std::filesystem::path& path, std::string_view name = {});

}  // namespace orderops::api
