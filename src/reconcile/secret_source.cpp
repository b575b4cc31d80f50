#include "reconcile/secret_source.h"

#include <fstream>
#include <sstream>

#include "api/condition_types.h"
#include "common/base64.h"
#include "kube/client.h"
#include "kube/object.h"
#include "kube/resource.h"
#include "reconcile/resource_support.h"
#include "runtime/store.h"

namespace orderops::reconcile {
namespace {

std::unexpected<Error> not_found(const std::string& ns, const std::string& name) {
  return make_error(ErrorCode::kNotFound, "secret " + ns + "/" + name + " not found",
                    "SecretNotFound");
}

// Secret.data holds base64 values; stringData never comes back from the API server, but a
// manifest-shaped object may carry it, and it wins as on the server.
Result<SecretData> decode_secret(const kube::Json& secret, const std::string& ns,
                                 const std::string& name) {
  SecretData out;
  const auto data = secret.find("data");
  if (data != secret.end() && data->is_object()) {
    for (const auto& [key, value] : data->items()) {
      if (!value.is_string()) continue;
      auto decoded = base64_decode(value.get<std::string>());
      if (!decoded) {
        return make_error(ErrorCode::kInvalid,
                          "secret " + ns + "/" + name + ": key " + key + " is not valid base64",
                          "InvalidCredentials");
      }
      out[key] = std::move(*decoded);
    }
  }
  const auto string_data = secret.find("stringData");
  if (string_data != secret.end() && string_data->is_object()) {
    for (const auto& [key, value] : string_data->items()) {
      if (value.is_string()) out[key] = value.get<std::string>();
    }
  }
  return out;
}

}  // namespace

Result<std::string> secret_value(const SecretSource& source, const std::string& ns,
                                 const std::string& name, const std::string& key) {
  auto data = source.get(ns, name);
  if (!data) return std::unexpected(data.error());
  const auto it = data->find(key);
  if (it == data->end()) {
    return make_error(ErrorCode::kNotFound,
                      "secret " + ns + "/" + name + " has no key \"" + key + "\"",
                      "SecretNotFound");
  }
  return it->second;
}

Result<std::string> database_url(const SecretSource& source, const std::string& ns,
                                 const std::string& name, const std::string& key) {
  auto url = secret_value(source, ns, name, key);
  if (!url) return url;
  std::string trimmed = trim(std::move(*url));
  if (trimmed.empty()) {
    return make_error(ErrorCode::kInvalid, "secret " + name + " key \"" + key + "\" is empty",
                      std::string(api::reasons::kInvalidCredentials));
  }
  return trimmed;
}

Result<SecretData> StoreSecretSource::get(const std::string& ns, const std::string& name) const {
  const kube::ObjectPtr secret = store_.get(kube::ObjectKey{ns, name});
  if (!secret) return not_found(ns, name);
  return decode_secret(*secret, ns, name);
}

Result<SecretData> ClusterSecretSource::get(const std::string& ns, const std::string& name) const {
  auto secret = client_.get(kube::secret_resource(), ns, name);
  if (!secret) {
    if (secret.error().code == ErrorCode::kNotFound) return not_found(ns, name);
    return std::unexpected(secret.error().wrap("reading secret " + ns + "/" + name));
  }
  return decode_secret(*secret, ns, name);
}

Result<SecretData> DirectorySecretSource::get(const std::string& ns,
                                              const std::string& name) const {
  std::error_code ec;
  const auto dir = dir_ / name;
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == ".." ||
      !std::filesystem::is_directory(dir, ec)) {
    return make_error(
        ErrorCode::kNotFound,
        "secret " + ns + "/" + name + " not found (no directory " + dir.string() + ")",
        "SecretNotFound");
  }
  SecretData out;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    out[entry.path().filename().string()] = content.str();
  }
  if (ec)
    return make_error(ErrorCode::kUnavailable, "reading " + dir.string() + ": " + ec.message());
  return out;
}

}  // namespace orderops::reconcile
