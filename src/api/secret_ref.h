// References from a resource to Kubernetes Secrets in its own namespace. Value types;
// thread-compatible.
#pragma once

#include <string>

namespace orderops::api {

// A whole Secret whose keys are fixed by the API (merchant credentials).
struct SecretReference {
  std::string name;
  bool operator==(const SecretReference&) const = default;
};

// One key of a Secret.
struct SecretKeySelector {
  std::string name;
  std::string key;
  bool operator==(const SecretKeySelector&) const = default;
};

}  // namespace orderops::api
