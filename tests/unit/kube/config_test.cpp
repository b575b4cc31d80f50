#include "kube/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace orderops::kube {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("orderops-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

constexpr const char* kMain = R"(apiVersion: v1
kind: Config
current-context: main
clusters:
- name: c1
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: Q0EtUEVN
contexts:
- name: main
  context: {cluster: c1, user: u1, namespace: shop}
- name: other
  context: {cluster: c2, user: u2}
users:
- name: u1
  user: {token: secret-token}
)";

TEST_F(ConfigTest, LoadsCurrentContextWithInlineCaAndToken) {
  auto c = load_kubeconfig({write("config", kMain)});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://10.0.0.1:6443");
  EXPECT_EQ(c->ca_pem, "CA-PEM");
  EXPECT_EQ(c->bearer_token, "secret-token");
  EXPECT_EQ(c->ns, "shop");
  EXPECT_FALSE(c->in_cluster);
  EXPECT_EQ(c->qps, 20);
  EXPECT_EQ(c->burst, 30);
}

TEST_F(ConfigTest, MergesKubeconfigListFirstFileWins) {
  const std::string first = write("a", R"(current-context: other
clusters:
- name: c2
  cluster: {server: "https://first:1", certificate-authority: ca/ca.crt}
users:
- name: u2
  user: {tokenFile: tok, client-certificate: crt.pem, client-key: key.pem}
)");
  write("ca/ca.crt", "FILE-CA");
  write("crt.pem", "CERT");
  write("key.pem", "KEY");
  const std::string second = write("b", std::string(kMain) + R"(
- name: u2
  user: {token: ignored}
)");
  ConfigSources sources;
  sources.kubeconfig_env = first + ":" + (dir_ / "missing").string() + ":" + second;
  auto c = load_config(sources);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://first:1");  // context "other" from the first file
  EXPECT_EQ(c->ca_pem, "FILE-CA");          // relative to the defining file
  EXPECT_EQ(c->token_file, (dir_ / "tok").string());
  EXPECT_EQ(c->bearer_token, "");
  EXPECT_EQ(c->client_cert_pem, "CERT");
  EXPECT_EQ(c->client_key_pem, "KEY");
}

TEST_F(ConfigTest, FlagWinsOverEnvironmentAndInCluster) {
  ConfigSources sources;
  sources.kubeconfig_flag = write("flag", kMain);
  sources.kubeconfig_env = (dir_ / "nope").string();
  sources.service_host = "10.96.0.1";
  sources.service_port = "443";
  auto c = load_config(sources);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->server, "https://10.0.0.1:6443");
}

TEST_F(ConfigTest, MissingFlagFileIsAnError) {
  ConfigSources sources;
  sources.kubeconfig_flag = (dir_ / "nope").string();
  auto c = load_config(sources);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("does not exist"), std::string::npos);
}

TEST_F(ConfigTest, InClusterReadsServiceAccountBeforeHome) {
  write("sa/token", "tok\n");
  write("sa/ca.crt", "SA-CA");
  write("sa/namespace", "orderops-system\n");
  write("home/.kube/config", kMain);
  ConfigSources sources;
  sources.service_host = "fd00::1";
  sources.service_port = "443";
  sources.service_account_dir = (dir_ / "sa").string();
  sources.home = (dir_ / "home").string();
  auto c = load_config(sources);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->in_cluster);
  EXPECT_EQ(c->server, "https://[fd00::1]:443");
  EXPECT_EQ(c->token_file, (dir_ / "sa" / "token").string());
  EXPECT_EQ(c->ca_pem, "SA-CA");
  EXPECT_EQ(c->ns, "orderops-system");
}

TEST_F(ConfigTest, FallsBackToHomeKubeConfig) {
  write("home/.kube/config", kMain);
  ConfigSources sources;
  sources.home = (dir_ / "home").string();
  auto c = load_config(sources);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->bearer_token, "secret-token");
  sources.home = (dir_ / "empty").string();
  EXPECT_FALSE(load_config(sources));
}

TEST_F(ConfigTest, RefusesInsecureSkipTlsVerify) {
  auto c = load_kubeconfig({write("x", R"(current-context: a
clusters: [{name: c, cluster: {server: "https://h:1", insecure-skip-tls-verify: true}}]
contexts: [{name: a, context: {cluster: c, user: u}}]
users: [{name: u, user: {token: t}}]
)")});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("insecure-skip-tls-verify"), std::string::npos);
}

TEST_F(ConfigTest, RefusesExecCredentialsAndHalfAClientCertificate) {
  auto exec = load_kubeconfig({write("x", R"(current-context: a
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: a, context: {cluster: c, user: u}}]
users: [{name: u, user: {exec: {command: aws}}}]
)")});
  ASSERT_FALSE(exec);
  EXPECT_NE(exec.error().message.find("exec"), std::string::npos);
  auto half = load_kubeconfig({write("y", R"(current-context: a
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: a, context: {cluster: c, user: u}}]
users: [{name: u, user: {client-certificate-data: Q0VSVA==}}]
)")});
  EXPECT_FALSE(half);
}

TEST_F(ConfigTest, UnknownContextAndBrokenYamlAreErrors) {
  const std::string path = write("config", kMain);
  EXPECT_FALSE(load_kubeconfig({path}, "nope"));
  EXPECT_FALSE(load_kubeconfig({write("broken", "clusters: [\n")}));
}

}  // namespace
}  // namespace orderops::kube
