#include "reconcile/resource_support.h"

#include <gtest/gtest.h>

namespace orderops::reconcile {
namespace {

runtime::InformerEvent update(kube::Json before, kube::Json after) {
  runtime::InformerEvent e;
  e.type = runtime::InformerEventType::kUpdate;
  e.old_object = std::make_shared<const kube::Json>(std::move(before));
  e.object = std::make_shared<const kube::Json>(std::move(after));
  return e;
}

kube::Json policy() {
  return {{"metadata",
           {{"name", "p"}, {"namespace", "shop"}, {"resourceVersion", "7"}, {"generation", 1}}},
          {"spec", {{"batchSize", 100}}},
          {"status", {{"observedGeneration", 1}}}};
}

TEST(ChangesMoreThanStatus, OwnStatusWritesDoNotWakeTheReconciler) {
  kube::Json after = policy();
  after["status"]["conditions"] = kube::Json::array({{{"type", "Ready"}, {"message", "x"}}});
  after["metadata"]["resourceVersion"] = "8";
  after["metadata"]["managedFields"] = kube::Json::array({{{"manager", "orderops"}}});
  EXPECT_FALSE(changes_more_than_status(update(policy(), after)));
}

TEST(ChangesMoreThanStatus, SpecAnnotationsAndOtherEventsDo) {
  kube::Json spec = policy();
  spec["spec"]["batchSize"] = 200;
  EXPECT_TRUE(changes_more_than_status(update(policy(), spec)));
  kube::Json annotated = policy();
  annotated["metadata"]["annotations"] = {{"orderops.io/run-now", "t1"}};
  EXPECT_TRUE(changes_more_than_status(update(policy(), annotated)));
  runtime::InformerEvent add;
  add.type = runtime::InformerEventType::kAdd;
  add.object = std::make_shared<const kube::Json>(policy());
  EXPECT_TRUE(changes_more_than_status(add));
}

TEST(Trim, DropsSurroundingWhiteSpaceOnly) {
  EXPECT_EQ(trim("  postgresql://h/db\n"), "postgresql://h/db");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim("\r\n"), "");
}

}  // namespace
}  // namespace orderops::reconcile
