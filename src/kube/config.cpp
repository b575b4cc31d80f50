#include "kube/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "common/base64.h"

namespace orderops::kube {
namespace {

namespace fs = std::filesystem;

struct NamedEntry {
  YAML::Node node;
  fs::path dir;  // relative file references resolve against the defining file's directory
};

struct Merged {
  std::map<std::string, NamedEntry> clusters;
  std::map<std::string, NamedEntry> users;
  std::map<std::string, NamedEntry> contexts;
  std::string current_context;
  std::vector<std::string> files;
};

Result<std::string> read_file(const fs::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid(std::string(what) + ": cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path resolve(const fs::path& dir, const std::string& file) {
  const fs::path p(file);
  return p.is_absolute() ? p : dir / p;
}

void merge_list(const YAML::Node& list, const char* field, const fs::path& dir,
                std::map<std::string, NamedEntry>& into) {
  if (!list || !list.IsSequence()) return;
  for (const auto& item : list) {
    const std::string name = item["name"] ? item["name"].as<std::string>() : "";
    if (name.empty() || into.contains(name)) continue;  // first file wins
    into.emplace(name, NamedEntry{item[field], dir});
  }
}

Status merge_file(const fs::path& path, Merged& merged) {
  try {
    const YAML::Node doc = YAML::LoadFile(path.string());
    const fs::path dir = path.parent_path();
    merge_list(doc["clusters"], "cluster", dir, merged.clusters);
    merge_list(doc["users"], "user", dir, merged.users);
    merge_list(doc["contexts"], "context", dir, merged.contexts);
    if (merged.current_context.empty() && doc["current-context"]) {
      merged.current_context = doc["current-context"].as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    return invalid("kubeconfig " + path.string() + ": " + e.what());
  }
  merged.files.push_back(path.string());
  return {};
}

std::string str(const YAML::Node& node, const char* key) {
  return node && node.IsMap() && node[key] && node[key].IsScalar() ? node[key].as<std::string>()
                                                                   : std::string();
}

// Inline *-data wins over a file reference, as in client-go.
Result<std::string> data_or_file(const NamedEntry& entry, const char* data_key,
                                 const char* file_key) {
  if (const std::string data = str(entry.node, data_key); !data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) return std::unexpected(decoded.error().wrap(data_key));
    return decoded;
  }
  if (const std::string file = str(entry.node, file_key); !file.empty()) {
    return read_file(resolve(entry.dir, file), file_key);
  }
  return std::string();
}

Status apply_cluster(const NamedEntry& cluster, ClusterConfig& out) {
  out.server = str(cluster.node, "server");
  if (out.server.empty()) return invalid("kubeconfig cluster has no server");
  const std::string insecure = str(cluster.node, "insecure-skip-tls-verify");
  if (insecure == "true") {
    return invalid("kubeconfig sets insecure-skip-tls-verify: TLS verification is always on");
  }
  out.tls_server_name = str(cluster.node, "tls-server-name");
  auto ca = data_or_file(cluster, "certificate-authority-data", "certificate-authority");
  if (!ca) return std::unexpected(ca.error());
  out.ca_pem = std::move(*ca);
  return {};
}

Status apply_user(const NamedEntry& user, ClusterConfig& out) {
  if (user.node && user.node.IsMap() && (user.node["exec"] || user.node["auth-provider"])) {
    return invalid(
        "kubeconfig user uses exec or auth-provider credentials, which are not supported");
  }
  out.bearer_token = str(user.node, "token");
  if (const std::string file = str(user.node, "tokenFile"); !file.empty()) {
    out.token_file = resolve(user.dir, file).string();
  }
  auto cert = data_or_file(user, "client-certificate-data", "client-certificate");
  if (!cert) return std::unexpected(cert.error());
  auto key = data_or_file(user, "client-key-data", "client-key");
  if (!key) return std::unexpected(key.error());
  if (cert->empty() != key->empty()) {
    return invalid("kubeconfig user has a client certificate without a key, or a key without one");
  }
  out.client_cert_pem = std::move(*cert);
  out.client_key_pem = std::move(*key);
  return {};
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(':', start), text.size());
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string host_port(std::string_view host, std::string_view port) {
  const bool ipv6 = host.find(':') != std::string_view::npos;
  return (ipv6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::string(port);
}

}  // namespace

Result<ClusterConfig> load_kubeconfig(const std::vector<std::string>& paths,
                                      std::string_view context, bool require_all) {
  Merged merged;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      if (require_all) return invalid("kubeconfig " + p + " does not exist");
      continue;
    }
    if (auto st = merge_file(p, merged); !st) return std::unexpected(st.error());
  }
  if (merged.files.empty()) return invalid("no kubeconfig file found");
  const std::string ctx_name = context.empty() ? merged.current_context : std::string(context);
  if (ctx_name.empty()) return invalid("kubeconfig has no current-context");
  const auto ctx = merged.contexts.find(ctx_name);
  if (ctx == merged.contexts.end())
    return invalid("kubeconfig context \"" + ctx_name + "\" not found");
  const std::string cluster_name = str(ctx->second.node, "cluster");
  const std::string user_name = str(ctx->second.node, "user");
  const auto cluster = merged.clusters.find(cluster_name);
  if (cluster == merged.clusters.end()) {
    return invalid("kubeconfig cluster \"" + cluster_name + "\" not found");
  }
  ClusterConfig out;
  if (auto st = apply_cluster(cluster->second, out); !st) return std::unexpected(st.error());
  if (const auto user = merged.users.find(user_name); user != merged.users.end()) {
    if (auto st = apply_user(user->second, out); !st) return std::unexpected(st.error());
  } else if (!user_name.empty()) {
    return invalid("kubeconfig user \"" + user_name + "\" not found");
  }
  out.ns = str(ctx->second.node, "namespace");
  out.source = "kubeconfig " + merged.files.front();
  return out;
}

Result<ClusterConfig> load_in_cluster(std::string_view host, std::string_view port,
                                      const std::string& service_account_dir) {
  if (host.empty() || port.empty()) {
    return make_error(
        ErrorCode::kNotFound,
        "not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT unset");
  }
  const fs::path dir(service_account_dir);
  ClusterConfig out;
  out.server = "https://" + host_port(host, port);
  out.token_file = (dir / "token").string();
  {
    std::ifstream probe(out.token_file);
    if (!probe) return invalid("in-cluster: cannot read " + out.token_file);
  }
  auto ca = read_file(dir / "ca.crt", "in-cluster CA");
  if (!ca) return std::unexpected(ca.error());
  out.ca_pem = std::move(*ca);
  if (auto ns = read_file(dir / "namespace", "in-cluster namespace")) {
    out.ns = *ns;
    while (!out.ns.empty() && (out.ns.back() == '\n' || out.ns.back() == ' ')) out.ns.pop_back();
  }
  out.in_cluster = true;
  out.source = "in-cluster";
  return out;
}

Result<ClusterConfig> load_config(const ConfigSources& sources) {
  if (!sources.kubeconfig_flag.empty()) {
    return load_kubeconfig({sources.kubeconfig_flag}, sources.context, true);
  }
  if (!sources.kubeconfig_env.empty()) {
    return load_kubeconfig(split_list(sources.kubeconfig_env), sources.context, false);
  }
  if (!sources.service_host.empty() && !sources.service_port.empty()) {
    return load_in_cluster(sources.service_host, sources.service_port, sources.service_account_dir);
  }
  if (!sources.home.empty()) {
    const std::string path = (fs::path(sources.home) / ".kube" / "config").string();
    std::error_code ec;
    if (fs::exists(path, ec)) return load_kubeconfig({path}, sources.context, true);
  }
  return invalid(
      "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, run in a cluster, or "
      "create ~/.kube/config");
}

}  // namespace orderops::kube
