// Validation of the job configuration: every message names the spec field and the problem.
#include "aftersales/config.h"

#include <gtest/gtest.h>

namespace orderops::aftersales {
namespace {

struct Case {
  std::string name;
  std::function<void(AftersalesJobConfig&)> change;
  std::string message;  // empty: valid
};

TEST(ConfigTest, ValidationNamesTheField) {
  const Case cases[] = {
      {"defaults", [](auto&) {}, ""},
      {"largest", [](auto& c) { c.batch_size = 10000, c.parallelism = 16; }, ""},
      {"batch zero", [](auto& c) { c.batch_size = 0; }, "spec.batchSize: 0 out of range 1-10000"},
      {"batch big", [](auto& c) { c.batch_size = 10001; },
       "spec.batchSize: 10001 out of range 1-10000"},
      {"parallelism", [](auto& c) { c.parallelism = 17; },
       "spec.parallelism: 17 out of range 1-16"},
      {"cap", [](auto& c) { c.max_records = -1; },
       "spec.maxRecordsPerRun: -1 must be >= 0 (0 means no cap)"},
      {"table", [](auto& c) { c.table = "order aftersales"; },
       "spec.database.table: \"order aftersales\" is not a valid table name ([schema.]name, each "
       "[A-Za-z_][A-Za-z0-9_]*, at most 63 bytes)"},
      {"log table", [](auto& c) { c.log_table = "1logs"; },
       "spec.database.logTable: \"1logs\" is not a valid table name ([schema.]name, each "
       "[A-Za-z_][A-Za-z0-9_]*, at most 63 bytes)"},
      {"same tables", [](auto& c) { c.log_table = "order_aftersales"; },
       "spec.database.logTable: \"order_aftersales\" must differ from spec.database.table"},
      {"channel", [](auto& c) { c.notify_channel = std::string(64, 'c'); },
       "spec.database.notifyChannel: longer than 63 bytes"},
      {"after", [](auto& c) { c.timeouts.pending_return.after = Duration::zero(); },
       "spec.timeouts.pendingReturn.after: \"0s\" must be positive"},
      {"disabled after ignored",
       [](auto& c) {
         c.timeouts.pending_receive.enabled = false;
         c.timeouts.pending_receive.after = Duration::zero();
       },
       ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    AftersalesJobConfig config;
    c.change(config);
    const auto s = validate(config);
    if (c.message.empty()) {
      EXPECT_TRUE(s.has_value()) << s.error().message;
    } else {
      ASSERT_FALSE(s.has_value());
      EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
      EXPECT_EQ(s.error().message, c.message);
    }
  }
}

TEST(ConfigTest, DefaultsFollowTheSpec) {
  const AftersalesJobConfig c;
  EXPECT_EQ(c.batch_size, 100);
  EXPECT_EQ(c.parallelism, 1);
  EXPECT_EQ(c.timeouts.pending_approval.after, std::chrono::hours(72));
  EXPECT_EQ(c.timeouts.pending_return.after, std::chrono::hours(168));
  EXPECT_EQ(c.timeouts.pending_receive.after, std::chrono::hours(72));
  EXPECT_TRUE(c.timeouts.fill_missing_deadlines);
  EXPECT_EQ(c.enabled_states().size(), 3u);
}

TEST(ConfigTest, EnabledStatesKeepTheirOrder) {
  AftersalesJobConfig c;
  c.timeouts.pending_return.enabled = false;
  EXPECT_EQ(c.enabled_states(),
            (std::vector<TimedState>{TimedState::kPendingApproval, TimedState::kPendingReceive}));
}

}  // namespace
}  // namespace orderops::aftersales
