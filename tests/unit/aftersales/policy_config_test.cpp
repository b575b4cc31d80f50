#include "aftersales/policy_config.h"

#include <gtest/gtest.h>

namespace orderops::aftersales {
namespace {

TEST(PolicyConfig, DefaultSpecGivesTheDocumentedJob) {
  const api::AftersalesTimeoutPolicySpec spec;
  auto config = config_from_spec(spec);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_FALSE(config->dry_run);
  EXPECT_EQ(config->batch_size, 100);
  EXPECT_EQ(config->parallelism, 1);
  EXPECT_EQ(config->max_records, 0);
  EXPECT_EQ(config->table, "order_aftersales");
  EXPECT_EQ(config->log_table, "order_aftersales_logs");
  EXPECT_EQ(config->timeouts.pending_approval.after, std::chrono::hours(72));
  EXPECT_EQ(config->timeouts.pending_return.after, std::chrono::hours(168));
  EXPECT_EQ(config->timeouts.pending_receive.after, std::chrono::hours(72));
  EXPECT_TRUE(config->timeouts.fill_missing_deadlines);
}

TEST(PolicyConfig, CarriesEveryField) {
  api::AftersalesTimeoutPolicySpec spec;
  spec.dry_run = true;
  spec.batch_size = 500;
  spec.parallelism = 4;
  spec.max_records_per_run = 10000;
  spec.database.table = "shop.aftersales";
  spec.database.log_table = "shop.aftersales_logs";
  spec.database.notify_channel = "aftersales_events";
  spec.timeouts.pending_return = {false, "1h30m"};
  spec.timeouts.fill_missing_deadlines = false;
  auto config = config_from_spec(spec);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->dry_run);
  EXPECT_EQ(config->batch_size, 500);
  EXPECT_EQ(config->parallelism, 4);
  EXPECT_EQ(config->max_records, 10000);
  EXPECT_EQ(config->table, "shop.aftersales");
  EXPECT_EQ(config->notify_channel, "aftersales_events");
  EXPECT_FALSE(config->timeouts.pending_return.enabled);
  EXPECT_EQ(config->timeouts.pending_return.after, std::chrono::minutes(90));
  EXPECT_FALSE(config->timeouts.fill_missing_deadlines);
}

TEST(PolicyConfig, AnUnparsableDurationNamesItsField) {
  api::AftersalesTimeoutPolicySpec spec;
  spec.timeouts.pending_receive.after = "3d";
  auto config = config_from_spec(spec);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kInvalid);
  EXPECT_NE(config.error().message.find("spec.timeouts.pendingReceive.after"), std::string::npos);
}

}  // namespace
}  // namespace orderops::aftersales
