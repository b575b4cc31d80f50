// Where a resource's Secrets come from: the manager's informer cache, the API server (for
// `orderops run -f` against a cluster) or files `<dir>/<secret>/<key>` (`run --secrets-dir`).
// Values are returned decoded. Implementations are thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "common/error.h"

namespace orderops::kube {
class Client;
}
namespace orderops::runtime {
class Store;
}

namespace orderops::reconcile {

using SecretData = std::map<std::string, std::string, std::less<>>;

class SecretSource {
 public:
  virtual ~SecretSource() = default;
  // kNotFound (reason "SecretNotFound") when the Secret does not exist; never puts a value into
  // an error message.
  virtual Result<SecretData> get(const std::string& ns, const std::string& name) const = 0;
};

// One key of a Secret: kNotFound "secret <ns>/<name> has no key <key>" when it is missing.
Result<std::string> secret_value(const SecretSource& source, const std::string& ns,
                                 const std::string& name, const std::string& key);

// The database URL of spec.database.secretRef, trimmed. A blank value is InvalidCredentials (it
// stalls until the Secret is fixed): handed to libpq it would mean the PG* defaults and the
// local socket, never the database the Secret meant.
Result<std::string> database_url(const SecretSource& source, const std::string& ns,
                                 const std::string& name, const std::string& key);

class StoreSecretSource final : public SecretSource {
 public:
  explicit StoreSecretSource(const runtime::Store& store) : store_(store) {}
  Result<SecretData> get(const std::string& ns, const std::string& name) const override;

 private:
  const runtime::Store& store_;
};

class ClusterSecretSource final : public SecretSource {
 public:
  explicit ClusterSecretSource(kube::Client& client) : client_(client) {}
  Result<SecretData> get(const std::string& ns, const std::string& name) const override;

 private:
  kube::Client& client_;
};

// Files named <dir>/<secret>/<key>; the namespace is not part of the path (one shop per dir).
class DirectorySecretSource final : public SecretSource {
 public:
  explicit DirectorySecretSource(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<SecretData> get(const std::string& ns, const std::string& name) const override;

 private:
  std::filesystem::path dir_;
};

}  // namespace orderops::reconcile
