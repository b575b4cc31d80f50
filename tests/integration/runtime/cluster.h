// The fixture of the runtime integration tests: a test API server (orderops-test-apiserver) with
// the two OrderOps kinds registered, `orderops manager` processes against it, and helpers to read
// the Lease, objects, metrics and the server's request log, to inject faults through its admin
// API, and to wait for conditions with a deadline. Loopback only. Not thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "integration/runtime/child_process.h"
#include "kube/client.h"
#include "kube/http_transport.h"

namespace orderops::testing {

inline const kube::ResourceType kAtp{"orderops.io", "v1alpha1", "aftersalestimeoutpolicies",
                                     "AftersalesTimeoutPolicy", true};
inline const kube::ResourceType kPss{"orderops.io", "v1alpha1", "profitshareschedules",
                                     "ProfitShareSchedule", true};

struct ManagerProcess {
  std::unique_ptr<ChildProcess> process;
  std::string identity;
  int metrics_port = 0;
  int probe_port = 0;
};

class Cluster {
 public:
  // Starts the API server (TLS, bearer token, request log) and registers the CRDs.
  Cluster();
  ~Cluster();

  const std::string& kubeconfig() const { return kubeconfig_; }
  kube::Client& client() { return *client_; }
  const Clock& clock() const { return clock_; }

  // `orderops manager` with the given extra flags; waits until it logged its identity and ports.
  ManagerProcess start_manager(const std::vector<std::string>& flags);

  // The Lease's holder ("" when free or missing).
  std::string lease_holder();
  kube::Json lease();
  // GET of an object of `type` in "default".
  kube::Json get(const kube::ResourceType& type, const std::string& name);
  kube::Json create_atp(const std::string& name, int batch_size);
  kube::Json set_batch_size(const std::string& name, int batch_size);

  // Admin API of the test server.
  void admin(const std::string& method, const std::string& path, const kube::Json& body);
  // The server's request log ("METHOD PATH STATUS" lines) that match `filter`.
  std::vector<std::string> requests(const std::string& filter) const;

  // Plain HTTP GET on 127.0.0.1:port; nullopt when nothing answered.
  std::optional<std::pair<int, std::string>> http_get(int port, const std::string& path);

  // Polls `condition` every 100 ms until it holds or `limit` passes; true when it held.
  bool eventually(Duration limit, const std::function<bool()>& condition);

 private:
  void register_crd(const kube::ResourceType& type, const std::string& singular);

  SystemClock clock_;
  std::filesystem::path dir_;
  std::string kubeconfig_;
  std::unique_ptr<ChildProcess> server_;
  std::string admin_url_;
  Logger log_;
  std::unique_ptr<kube::HttpTransport> transport_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<kube::HttpTransport> admin_transport_;
  int managers_ = 0;
};

}  // namespace orderops::testing
