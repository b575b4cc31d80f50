#include "apiserver/kubeconfig.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "apiserver/encoding.h"

namespace orderops::apiserver {

std::string render_kubeconfig(const KubeconfigSpec& spec) {
  std::string out =
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: orderops-test\n"
      "  cluster:\n"
      "    server: " +
      spec.server_url + "\n";
  if (!spec.ca_pem.empty()) {
    out += "    certificate-authority-data: " + base64_encode(spec.ca_pem) + "\n";
  }
  out +=
      "contexts:\n"
      "- name: orderops-test\n"
      "  context:\n"
      "    cluster: orderops-test\n"
      "    user: orderops-test\n"
      "    namespace: default\n"
      "current-context: orderops-test\n"
      "users:\n"
      "- name: orderops-test\n"
      "  user:\n"
      "    token: \"" +
      spec.token +
      "\"\n"
      "preferences: {}\n";
  return out;
}

Status write_kubeconfig(const std::string& path, const KubeconfigSpec& spec) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return make_error(ErrorCode::kInvalid, "cannot write kubeconfig " + tmp);
    f << render_kubeconfig(spec);
    if (!f.flush()) return make_error(ErrorCode::kInvalid, "cannot write kubeconfig " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return make_error(ErrorCode::kInvalid, "cannot move kubeconfig into place at " + path);
  }
  return {};
}

}  // namespace orderops::apiserver
