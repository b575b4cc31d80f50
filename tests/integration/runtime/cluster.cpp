#include "integration/runtime/cluster.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "kube/api_error.h"
#include "kube/config.h"
#include "support/capture_sink.h"

namespace orderops::testing {
namespace {

namespace fs = std::filesystem;

std::string bin_dir() {
  const char* dir = std::getenv("ORDEROPS_BIN_DIR");
  return dir != nullptr ? dir : "build/bin";
}

// The first JSON log line whose msg is `msg`, or null.
kube::Json find_log(const std::string& log, const std::string& msg) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    const kube::Json j = kube::Json::parse(line, nullptr, false);
    if (j.is_object() && j.value("msg", "") == msg) return j;
  }
  return nullptr;
}

kube::Json crd(const kube::ResourceType& type, const std::string& singular) {
  const kube::Json open = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", type.plural + "." + type.group}}},
          {"spec",
           {{"group", type.group},
            {"scope", "Namespaced"},
            {"names",
             {{"plural", type.plural},
              {"singular", singular},
              {"kind", type.kind},
              {"listKind", type.kind + "List"}}},
            {"versions",
             {{{"name", type.version},
               {"served", true},
               {"storage", true},
               {"subresources", {{"status", kube::Json::object()}}},
               {"schema",
                {{"openAPIV3Schema",
                  {{"type", "object"}, {"properties", {{"spec", open}, {"status", open}}}}}}}}}}}}};
}

}  // namespace

Cluster::Cluster()
    : log_(std::make_shared<CaptureSink>(), clock_, LogFormat::kJson, LogLevel::kInfo) {
  char tmpl[] = "/tmp/orderops-runtime-it-XXXXXX";
  dir_ = mkdtemp(tmpl);
  kubeconfig_ = (dir_ / "kubeconfig").string();
  server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{bin_dir() + "/orderops-test-apiserver", "--port", "0",
                               "--write-kubeconfig", kubeconfig_, "--admin-port", "0",
                               "--bookmark-interval", "2s", "--log-requests"},
      (dir_ / "apiserver.out").string(), (dir_ / "apiserver.err").string());
  const bool up = eventually(std::chrono::seconds(20), [&] {
    return server_->stdout_text().find("\nlistening on ") != std::string::npos ||
           server_->stdout_text().rfind("listening on ", 0) == 0;
  });
  if (!up) throw std::runtime_error("test API server did not start: " + server_->stderr_text());
  const std::string out = server_->stdout_text();
  const std::string admin_marker = "admin listening on ";
  const auto at = out.find(admin_marker);
  admin_url_ = out.substr(at + admin_marker.size(), out.find('\n', at) - at - admin_marker.size());

  auto config = kube::load_kubeconfig({kubeconfig_});
  if (!config) throw std::runtime_error(config.error().message);
  auto transport = kube::HttpTransport::create(*config, clock_, log_);
  if (!transport) throw std::runtime_error(transport.error().message);
  transport_ = std::move(*transport);
  client_ = std::make_unique<kube::Client>(*transport_, clock_, log_);
  kube::ClusterConfig admin;
  admin.server = admin_url_;
  admin_transport_ = std::move(*kube::HttpTransport::create(admin, clock_, log_));
  register_crd(kAtp, "aftersalestimeoutpolicy");
  register_crd(kPss, "profitshareschedule");
}

Cluster::~Cluster() {
  if (server_) {
    server_->signal(SIGTERM);
    server_->wait_exit();
  }
  std::error_code ec;
  // Kept for a look when a test failed or ORDEROPS_KEEP_TEST_DIR is set.
  if (!::testing::Test::HasFailure() && std::getenv("ORDEROPS_KEEP_TEST_DIR") == nullptr) {
    fs::remove_all(dir_, ec);
  }
}

void Cluster::register_crd(const kube::ResourceType& type, const std::string& singular) {
  const kube::ResourceType crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                "CustomResourceDefinition", false};
  auto created = client_->create(crds, "", crd(type, singular));
  if (!created) throw std::runtime_error("CRD: " + created.error().message);
  const bool served = eventually(std::chrono::seconds(10),
                                 [&] { return client_->list(type, "default", {}).has_value(); });
  if (!served) throw std::runtime_error("CRD " + type.plural + " not served");
}

ManagerProcess Cluster::start_manager(const std::vector<std::string>& flags) {
  const int n = ++managers_;
  std::vector<std::string> argv = {bin_dir() + "/orderops",
                                   "manager",
                                   "--kubeconfig",
                                   kubeconfig_,
                                   "--metrics-bind-address",
                                   "127.0.0.1:0",
                                   "--health-probe-bind-address",
                                   "127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  ManagerProcess m;
  m.process = std::make_unique<ChildProcess>(
      argv, (dir_ / ("manager-" + std::to_string(n) + ".out")).string(),
      (dir_ / ("manager-" + std::to_string(n) + ".err")).string());
  const bool started = eventually(std::chrono::seconds(20), [&] {
    return !find_log(m.process->stderr_text(), "serving probes").is_null() || !m.process->running();
  });
  const std::string log = m.process->stderr_text();
  if (!started || !m.process->running()) {
    throw std::runtime_error("manager did not start: " + log);
  }
  m.metrics_port = find_log(log, "serving metrics").value("port", 0);
  m.probe_port = find_log(log, "serving probes").value("port", 0);
  const kube::Json election = find_log(log, "leader election enabled");
  if (!election.is_null()) m.identity = election.value("identity", "");
  return m;
}

kube::Json Cluster::lease() {
  auto l = client_->get(kube::lease_resource(), "default", "orderops-leader");
  return l ? *l : kube::Json();
}

std::string Cluster::lease_holder() {
  const kube::Json l = lease();
  if (!l.is_object() || !l.contains("spec")) return "";
  return l["spec"].value("holderIdentity", "");
}

kube::Json Cluster::get(const kube::ResourceType& type, const std::string& name) {
  auto o = client_->get(type, "default", name);
  return o ? *o : kube::Json();
}

kube::Json Cluster::create_atp(const std::string& name, int batch_size) {
  const kube::Json object = {{"apiVersion", "orderops.io/v1alpha1"},
                             {"kind", "AftersalesTimeoutPolicy"},
                             {"metadata", {{"name", name}, {"namespace", "default"}}},
                             {"spec", {{"batchSize", batch_size}}}};
  auto created = client_->create(kAtp, "default", object);
  EXPECT_TRUE(created) << created.error().message;
  return created ? *created : kube::Json();
}

kube::Json Cluster::set_batch_size(const std::string& name, int batch_size) {
  // Retried: the API server may be answering injected faults.
  kube::Json out;
  eventually(std::chrono::seconds(20), [&] {
    auto patched = client_->patch(kAtp, "default", name, kube::PatchType::kMerge,
                                  {{"spec", {{"batchSize", batch_size}}}});
    if (patched) out = *patched;
    return patched.has_value();
  });
  return out;
}

void Cluster::admin(const std::string& method, const std::string& path, const kube::Json& body) {
  kube::HttpRequest request;
  request.verb = method == "DELETE" ? kube::Verb::kDelete : kube::Verb::kPost;
  request.path = path;
  request.content_type = "application/json";
  request.body = body.dump();
  auto r = admin_transport_->send(request, {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->status, 200) << r->body;
}

std::vector<std::string> Cluster::requests(const std::string& filter) const {
  std::istringstream in(server_->stderr_text());
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(filter) != std::string::npos) out.push_back(line);
  }
  return out;
}

std::optional<std::pair<int, std::string>> Cluster::http_get(int port, const std::string& path) {
  kube::ClusterConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(port);
  auto transport = kube::HttpTransport::create(config, clock_, log_);
  if (!transport) return std::nullopt;
  kube::HttpRequest request;
  request.path = path;
  request.timeout = std::chrono::seconds(5);
  auto r = (*transport)->send(request, {});
  if (!r) return std::nullopt;
  return std::make_pair(r->status, r->body);
}

bool Cluster::eventually(Duration limit, const std::function<bool()>& condition) {
  const MonotonicTime deadline = clock_.monotonic() + limit;
  while (true) {
    if (condition()) return true;
    if (clock_.monotonic() >= deadline) return false;
    clock_.sleep_for(std::chrono::milliseconds(100), {});
  }
}

}  // namespace orderops::testing
