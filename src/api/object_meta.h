// The API identity of the two kinds (group, version, kinds, plurals) and the ObjectMeta subset
// OrderOps reads. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace orderops::api {

inline constexpr std::string_view kGroup = "orderops.io";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "orderops.io/v1alpha1";

inline constexpr std::string_view kAftersalesTimeoutPolicyKind = "AftersalesTimeoutPolicy";
inline constexpr std::string_view kAftersalesTimeoutPolicyPlural = "aftersalestimeoutpolicies";
inline constexpr std::string_view kAftersalesTimeoutPolicyShortName = "atp";
inline constexpr std::string_view kProfitShareScheduleKind = "ProfitShareSchedule";
inline constexpr std::string_view kProfitShareSchedulePlural = "profitshareschedules";
inline constexpr std::string_view kProfitShareScheduleShortName = "pss";
inline constexpr std::string_view kCategory = "orderops";

struct ObjectMeta {
  std::string name;
  std::string namespace_name;  // metadata.namespace ("namespace" is a C++ keyword)
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::optional<SystemTime> creation_timestamp;
  std::map<std::string, std::string, std::less<>> labels;
  std::map<std::string, std::string, std::less<>> annotations;
  std::optional<SystemTime> deletion_timestamp;

  bool operator==(const ObjectMeta&) const = default;
};

}  // namespace orderops::api
