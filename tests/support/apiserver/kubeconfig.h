// Writes the kubeconfig kubectl, the Python client and the operator use to reach the test
// server: one cluster (server URL, CA data when TLS is on), one user (bearer token) and a current
// context with namespace default. Written atomically with mode 0600.
#pragma once

#include <string>

#include "common/error.h"

namespace orderops::apiserver {

struct KubeconfigSpec {
  std::string server_url;
  std::string ca_pem;  // empty for plain HTTP
  std::string token;
};

std::string render_kubeconfig(const KubeconfigSpec& spec);
Status write_kubeconfig(const std::string& path, const KubeconfigSpec& spec);

}  // namespace orderops::apiserver
