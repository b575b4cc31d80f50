// Where `orderops run` reads Secrets: files <dir>/<secret>/<key> under --secrets-dir, or the API
// server found as the manager finds it (--kubeconfig, $KUBECONFIG, in-cluster, ~/.kube/config).
// Owns the Kubernetes client it needs. Thread-safe once opened.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "run_options.h"

namespace orderops::kube {
class HttpTransport;
class Client;
}  // namespace orderops::kube
namespace orderops::reconcile {
class SecretSource;
}

namespace orderops::cli {

class RunSecrets {
 public:
  // kInvalid for a --secrets-dir that is not a directory or a missing/bad kubeconfig (exit 2);
  // nothing is contacted yet.
  static Result<std::unique_ptr<RunSecrets>> open(const RunOptions& options,
                                                  const RunEnvironment& env, const Clock& clock,
                                                  const Logger& log);
  ~RunSecrets();
  RunSecrets(const RunSecrets&) = delete;
  RunSecrets& operator=(const RunSecrets&) = delete;

  const reconcile::SecretSource& source() const { return *source_; }
  // The namespace of a manifest without one: the kubeconfig context's, else "default".
  const std::string& default_namespace() const { return default_namespace_; }
  // "directory DIR" or "cluster https://host:port", for the summary.
  const std::string& description() const { return description_; }

 private:
  RunSecrets() = default;

  std::unique_ptr<kube::HttpTransport> transport_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<reconcile::SecretSource> source_;
  std::string default_namespace_ = "default";
  std::string description_;
};

}  // namespace orderops::cli
