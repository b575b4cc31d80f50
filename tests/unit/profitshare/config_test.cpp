// Spec -> task configs, and validation naming the spec field.
#include <gtest/gtest.h>

#include "profitshare/config.h"

namespace orderops::profitshare {
namespace {

api::ProfitShareScheduleSpec spec() {
  api::ProfitShareScheduleSpec s;
  s.merchant.mch_id = "1900009191";
  s.merchant.sub_mch_id = "1900000109";
  s.time_zone = "Asia/Shanghai";
  s.sync.batch_size = 50;
  s.sync.timeout_hours = 12;
  s.bill_download.expire_days = 9;
  s.bill_download.lookback_days = 4;
  s.bill_download.storage_path = "/bills";
  s.retry.max_retry = 5;
  s.retry.retry_interval_minutes = 45;
  s.retry.lookback_days = 6;
  s.retry.non_retryable_reasons = {"NO_AUTH"};
  s.retry.timing.enabled = false;
  s.unfreeze.unfreeze_hours = 24;
  s.unfreeze.force = true;
  return s;
}

TEST(Config, FromSpec) {
  const auto c = config_from_spec(spec());
  EXPECT_EQ(c.sync.merchant.mch_id, "1900009191");
  EXPECT_EQ(c.sync.merchant.account_id(), "1900000109");
  EXPECT_EQ(c.sync.batch_size, 50);
  EXPECT_EQ(c.sync.timeout_hours, 12);
  EXPECT_EQ(c.bill_download.time_zone, "Asia/Shanghai");
  EXPECT_EQ(c.bill_download.expire_days, 9);
  EXPECT_EQ(c.bill_download.lookback_days, 4);
  EXPECT_TRUE(c.bill_download.gzip);
  EXPECT_EQ(c.bill_download.storage_path, "/bills");
  EXPECT_EQ(c.retry.rules.max_retry, 5);
  EXPECT_EQ(c.retry.rules.interval, std::chrono::minutes(45));
  EXPECT_EQ(c.retry.rules.lookback_days, 6);
  EXPECT_EQ(c.retry.rules.non_retryable_reasons, std::vector<std::string>{"NO_AUTH"});
  EXPECT_EQ(c.unfreeze.unfreeze_hours, 24);
  EXPECT_TRUE(c.unfreeze.force);
  // Unfreeze knows the retry rules, and that retry is switched off.
  EXPECT_FALSE(c.unfreeze.retry.enabled);
  EXPECT_EQ(c.unfreeze.retry.max_retry, 5);
  for (auto s :
       {validate(c.sync), validate(c.bill_download), validate(c.retry), validate(c.unfreeze)}) {
    EXPECT_TRUE(s) << s.error().message;
  }
}

TEST(Config, DefaultsFromTheApi) {
  api::ProfitShareScheduleSpec s;
  s.merchant.mch_id = "1900009191";
  const auto c = config_from_spec(s);
  EXPECT_EQ(c.sync.batch_size, 100);
  EXPECT_EQ(c.retry.rules.non_retryable_reasons.size(), 3u);
  EXPECT_EQ(c.unfreeze.unfreeze_hours, 48);
  EXPECT_EQ(c.bill_download.storage_path, "/var/lib/orderops/bills");
}

TEST(Config, ValidationNamesTheField) {
  auto c = config_from_spec(spec());
  c.sync.batch_size = 0;
  EXPECT_EQ(validate(c.sync).error().message, "spec.sync.batchSize: 0 out of range 1-10000");
  c = config_from_spec(spec());
  c.bill_download.storage_path = "relative/bills";
  EXPECT_NE(validate(c.bill_download).error().message.find("spec.billDownload.storagePath"),
            std::string::npos);
  c = config_from_spec(spec());
  c.retry.merchant.mch_id = "19000/../1";
  EXPECT_NE(validate(c.retry).error().message.find("spec.merchant.mchId"), std::string::npos);
  c = config_from_spec(spec());
  c.unfreeze.merchant.sub_mch_id = "abc";
  EXPECT_NE(validate(c.unfreeze).error().message.find("spec.merchant.subMchId"), std::string::npos);
  c = config_from_spec(spec());
  c.retry.rules.interval = std::chrono::minutes(0);
  EXPECT_NE(validate(c.retry).error().message.find("spec.retry.retryIntervalMinutes"),
            std::string::npos);
}

}  // namespace
}  // namespace orderops::profitshare
