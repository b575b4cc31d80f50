#include "api/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/yaml_json.h"

namespace orderops::api {
namespace {

using nlohmann::json;

constexpr std::string_view kBundle = R"yaml(
apiVersion: v1
kind: Secret
metadata: {name: shop-db, namespace: shop}
stringData: {uri: "postgresql://u:p@localhost/shop"}
---
apiVersion: orderops.io/v1alpha1
kind: AftersalesTimeoutPolicy
metadata: {name: shop-aftersales, namespace: shop}
spec:
  timeZone: Asia/Shanghai
  batchSize: 50
  database: {secretRef: {name: shop-db}}
---
# an empty document is skipped
---
apiVersion: orderops.io/v1alpha1
kind: ProfitShareSchedule
metadata: {name: merchant-1900009191, namespace: shop}
spec:
  merchant: {mchId: "1900009191", credentialsSecretRef: {name: wechatpay-1900009191}}
  database: {secretRef: {name: shop-db}}
  sync: {schedule: "*/10 * * * *"}
)yaml";

TEST(Manifest, LoadsOurKindsDefaultedAndSkipsOthers) {
  auto r = load_resources(kBundle, "bundle.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  const auto& atp = std::get<AftersalesTimeoutPolicy>((*r)[0]);
  EXPECT_EQ(atp.metadata.name, "shop-aftersales");
  EXPECT_EQ(atp.spec.batch_size, 50);
  EXPECT_EQ(atp.spec.scheduling.schedule, "0 * * * *");
  EXPECT_EQ(atp.spec.database.secret_ref.key, "uri");
  EXPECT_EQ(atp.spec.timeouts.pending_return.after, "168h");
  const auto& pss = std::get<ProfitShareSchedule>((*r)[1]);
  EXPECT_EQ(kind_of((*r)[1]), "ProfitShareSchedule");
  EXPECT_EQ(metadata_of((*r)[1]).namespace_name, "shop");
  EXPECT_EQ(pss.spec.sync.timing.schedule, "*/10 * * * *");
  EXPECT_EQ(pss.spec.sync.timing.active_deadline_seconds, 240);
  EXPECT_EQ(pss.spec.unfreeze.timing.schedule, "0 */2 * * *");
}

TEST(Manifest, ErrorsNameTheDocumentAndTheField) {
  const std::string text = std::string(kBundle) + R"yaml(
---
apiVersion: orderops.io/v1alpha1
kind: AftersalesTimeoutPolicy
metadata: {name: broken}
spec:
  schedule: "61 * * * *"
  batchSize: 0
  database: {secretRef: {name: shop-db}}
)yaml";
  auto r = load_resources(text, "bundle.yaml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message,
            "bundle.yaml: document 4 (AftersalesTimeoutPolicy broken): spec.schedule: "
            "\"61 * * * *\": minute 61 out of range 0-59; spec.batchSize: 0: must be between 1 "
            "and 10000");
}

TEST(Manifest, UnquotedMerchantIdIsATypeError) {
  auto r = load_resources(R"yaml(
apiVersion: orderops.io/v1alpha1
kind: ProfitShareSchedule
metadata: {name: m}
spec:
  merchant: {mchId: 1900009191, credentialsSecretRef: {name: wp}}
  database: {secretRef: {name: db}}
)yaml",
                          "m.yaml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "m.yaml: document 1 (ProfitShareSchedule m): spec.merchant.mchId: expected string, got "
            "integer");
}

TEST(Manifest, ClearErrorsForBadFiles) {
  auto no_resources = load_resources("apiVersion: v1\nkind: Secret\n", "s.yaml");
  ASSERT_FALSE(no_resources.has_value());
  EXPECT_EQ(no_resources.error().message,
            "s.yaml: no AftersalesTimeoutPolicy or ProfitShareSchedule found");

  auto unknown = load_resources("apiVersion: orderops.io/v1alpha1\nkind: Refund\n", "r.yaml");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message,
            "r.yaml: document 1 (Refund): unknown kind \"Refund\" (want AftersalesTimeoutPolicy or "
            "ProfitShareSchedule)");

  auto broken = load_resources("kind: [unclosed\n", "b.yaml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_TRUE(broken.error().message.starts_with("b.yaml: line ")) << broken.error().message;
  EXPECT_NE(broken.error().message.find("invalid YAML"), std::string::npos);

  auto scalar = load_resources("just text\n", "t.yaml");
  ASSERT_FALSE(scalar.has_value());
  EXPECT_EQ(scalar.error().message,
            "t.yaml: document 1: expected a mapping with apiVersion and kind");

  auto missing = load_resources_file("/nonexistent/orderops/x.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

class ManifestFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("orderops-api-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(std::string_view text) {
    const auto path = dir_ / "resource.yaml";
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ManifestFile, PicksTheOneResourceOrByName) {
  const auto path = write(kBundle);
  auto ambiguous = load_resource_file(path);
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().message,
            path.string() +
                ": 2 resources, pick one by name (found AftersalesTimeoutPolicy shop-aftersales, "
                "ProfitShareSchedule merchant-1900009191)");
  auto by_name = load_resource_file(path, "merchant-1900009191");
  ASSERT_TRUE(by_name.has_value()) << by_name.error().message;
  EXPECT_TRUE(std::holds_alternative<ProfitShareSchedule>(*by_name));
  auto wrong = load_resource_file(path, "nope");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("no resource named \"nope\""), std::string::npos);
}

TEST(YamlJson, ResolvesPlainScalarsAsKubectlDoes) {
  auto docs = yaml_documents_to_json(R"yaml(
a: yes
b: "yes"
c: off
d: 42
e: -7
f: 0x1F
g: 1.5
h: ~
i: ""
j: 072
k: 2026-11-21T10:00:00Z
l: 'true'
m: [1, two, null]
n: 18446744073709551615
o: 1_000
)yaml",
                                     "x.yaml");
  ASSERT_TRUE(docs.has_value()) << docs.error().message;
  const json& d = docs->front();
  EXPECT_EQ(d["a"], true);
  EXPECT_EQ(d["b"], "yes");
  EXPECT_EQ(d["c"], false);
  EXPECT_EQ(d["d"], 42);
  EXPECT_EQ(d["e"], -7);
  EXPECT_EQ(d["f"], 31);
  EXPECT_EQ(d["g"], 1.5);
  EXPECT_TRUE(d["h"].is_null());
  EXPECT_EQ(d["i"], "");
  EXPECT_EQ(d["j"], 58);
  EXPECT_EQ(d["k"], "2026-11-21T10:00:00Z");
  EXPECT_EQ(d["l"], "true");
  EXPECT_EQ(d["m"], (json{1, "two", nullptr}));
  EXPECT_EQ(d["n"], 18446744073709551615ULL);
  EXPECT_EQ(d["o"], 1000);
}

TEST(YamlJson, JsonIsYamlToo) {
  auto docs = yaml_documents_to_json(R"({"kind": "X", "spec": {"n": 1, "s": "1"}})", "x.json");
  ASSERT_TRUE(docs.has_value());
  EXPECT_EQ(docs->front(), (json{{"kind", "X"}, {"spec", {{"n", 1}, {"s", "1"}}}}));
}

}  // namespace
}  // namespace orderops::api
