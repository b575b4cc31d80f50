// /openapi/v3: the index of group-versions and one OpenAPI 3.0 document per group-version, built
// from the Registry (CRD schemas included). Each resource's PATCH operation carries
// x-kubernetes-group-version-kind and a fieldValidation parameter, which is what kubectl's
// default client-side check (--validate=strict) looks for. Strategic merge patch is never
// advertised, so kubectl keeps using its compiled-in patch metadata. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "apiserver/http_types.h"
#include "apiserver/resource_type.h"

namespace orderops::apiserver {

class OpenApi {
 public:
  explicit OpenApi(const Registry& registry) : registry_(registry) {}
  // Answers /openapi/v3 and /openapi/v3/<gv path>; nothing for other paths.
  std::optional<HttpResponse> handle(const HttpRequest& request) const;

 private:
  const Registry& registry_;
};

}  // namespace orderops::apiserver
