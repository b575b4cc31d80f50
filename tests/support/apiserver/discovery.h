// Discovery documents built from the Registry: legacy (/api, /apis, /api/v1, /apis/<g>,
// /apis/<g>/<v>) and aggregated apidiscovery.k8s.io/v2 (and v2beta1) for /api and /apis when the
// Accept header asks for it; plus /version. Pure over a Registry snapshot; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "apiserver/http_types.h"
#include "apiserver/resource_type.h"

namespace orderops::apiserver {

class Discovery {
 public:
  explicit Discovery(const Registry& registry) : registry_(registry) {}

  // Answers a discovery path, or nothing when the path is not a discovery path.
  std::optional<HttpResponse> handle(const HttpRequest& request, const std::string& host) const;
  static nlohmann::json version_info();

 private:
  nlohmann::json resource_list(const std::string& group, const std::string& version) const;
  nlohmann::json group_info(const std::string& group) const;
  nlohmann::json aggregated(bool core, const std::string& version) const;

  const Registry& registry_;
};

}  // namespace orderops::apiserver
