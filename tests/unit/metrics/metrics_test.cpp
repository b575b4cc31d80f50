#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include "metrics/http_endpoints.h"

namespace orderops::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(MetricsTest, RuntimeFamiliesUseTheNamesOfApiMd) {
  Metrics m;
  m.set_leader(true);
  m.observe_reconcile("AftersalesTimeoutPolicy", "success", std::chrono::milliseconds(20));
  m.observe_reconcile("AftersalesTimeoutPolicy", "error", std::chrono::milliseconds(3));
  m.set_workqueue_depth("ProfitShareSchedule", 4);
  const std::string text = m.serialize();
  EXPECT_TRUE(has_line(text, "orderops_leader 1")) << text;
  EXPECT_TRUE(has_line(
      text, "orderops_reconcile_total{kind=\"AftersalesTimeoutPolicy\",result=\"success\"} 1"));
  EXPECT_TRUE(has_line(
      text, "orderops_reconcile_total{kind=\"AftersalesTimeoutPolicy\",result=\"error\"} 1"));
  EXPECT_TRUE(has_line(
      text, "orderops_reconcile_duration_seconds_count{kind=\"AftersalesTimeoutPolicy\"} 2"));
  EXPECT_TRUE(has_line(text,
                       "orderops_reconcile_duration_seconds_bucket{kind="
                       "\"AftersalesTimeoutPolicy\",le=\"0.025\"} 2"));
  EXPECT_TRUE(has_line(text, "orderops_workqueue_depth{kind=\"ProfitShareSchedule\"} 4"));
  EXPECT_NE(text.find("# TYPE orderops_reconcile_duration_seconds histogram"), std::string::npos);
  m.set_leader(false);
  EXPECT_TRUE(has_line(m.serialize(), "orderops_leader 0"));
}

TEST(MetricsTest, ResourceConditionHasOneSeriesPerStatusAndIsForgotten) {
  Metrics m;
  m.set_resource_condition("ProfitShareSchedule", "shop", "m1", "Ready", "False");
  std::string text = m.serialize();
  const std::string prefix =
      "orderops_resource_condition{kind=\"ProfitShareSchedule\",name=\"m1\",namespace=\"shop\",";
  EXPECT_TRUE(has_line(text, prefix + "status=\"False\",type=\"Ready\"} 1")) << text;
  EXPECT_TRUE(has_line(text, prefix + "status=\"True\",type=\"Ready\"} 0"));
  EXPECT_TRUE(has_line(text, prefix + "status=\"Unknown\",type=\"Ready\"} 0"));
  m.set_resource_condition("ProfitShareSchedule", "shop", "m1", "Ready", "True");
  text = m.serialize();
  EXPECT_TRUE(has_line(text, prefix + "status=\"True\",type=\"Ready\"} 1"));
  EXPECT_TRUE(has_line(text, prefix + "status=\"False\",type=\"Ready\"} 0"));
  m.forget_resource("ProfitShareSchedule", "shop", "m1");
  EXPECT_EQ(m.serialize().find("name=\"m1\""), std::string::npos);
}

TEST(MetricsTest, LaterModulesRegisterOnTheSameRegistry) {
  Metrics m;
  EXPECT_EQ(&m.registry(), m.shared_registry().get());
}

TEST(BindAddressTest, GoStyleAddressesBecomeCivetwebPorts) {
  EXPECT_EQ(*civetweb_listen_spec(":8080"), "8080");
  EXPECT_EQ(*civetweb_listen_spec("0.0.0.0:8081"), "8081");
  EXPECT_EQ(*civetweb_listen_spec("127.0.0.1:0"), "127.0.0.1:0");
  EXPECT_FALSE(civetweb_listen_spec("8080"));
  EXPECT_FALSE(civetweb_listen_spec(":http"));
  EXPECT_FALSE(civetweb_listen_spec(":70000"));
}

}  // namespace
}  // namespace orderops::metrics
