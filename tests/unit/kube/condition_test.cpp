#include "kube/condition.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace orderops::kube {
namespace {

const SystemTime kT0 = SystemTime(std::chrono::seconds(1'800'000'000));

TEST(ConditionTest, TransitionTimeChangesOnlyWhenStatusFlips) {
  Json conditions;
  EXPECT_TRUE(set_condition(conditions, {"Ready", "False", "SecretNotFound", "m1", 1}, kT0));
  const std::string t0 = format_rfc3339(kT0);
  EXPECT_EQ((*find_condition(conditions, "Ready"))["lastTransitionTime"], t0);
  // Same status, new reason/message/generation: overwritten, time kept.
  EXPECT_TRUE(set_condition(conditions, {"Ready", "False", "InvalidSpec", "m2", 2},
                            kT0 + std::chrono::minutes(1)));
  const Json& c = *find_condition(conditions, "Ready");
  EXPECT_EQ(c["lastTransitionTime"], t0);
  EXPECT_EQ(c["reason"], "InvalidSpec");
  EXPECT_EQ(c["observedGeneration"], 2);
  // Nothing changed: no write needed.
  EXPECT_FALSE(set_condition(conditions, {"Ready", "False", "InvalidSpec", "m2", 2},
                             kT0 + std::chrono::minutes(2)));
  // The status flips: the time moves.
  EXPECT_TRUE(set_condition(conditions, {"Ready", "True", "Scheduled", "", 2},
                            kT0 + std::chrono::minutes(3)));
  EXPECT_EQ((*find_condition(conditions, "Ready"))["lastTransitionTime"],
            format_rfc3339(kT0 + std::chrono::minutes(3)));
  EXPECT_TRUE(set_condition(conditions, {"Stalled", "False", "Healthy", "", 2}, kT0));
  EXPECT_EQ(conditions.size(), 2u);
}

TEST(ConditionTest, ValidationFollowsMetav1) {
  EXPECT_TRUE(validate_condition({"Ready", "True", "Scheduled", "", 1}));
  EXPECT_TRUE(validate_condition({"orderops.io/Ready", "Unknown", "A_b:c,d", "", 0}));
  EXPECT_FALSE(validate_condition({"", "True", "Scheduled", "", 1}));
  EXPECT_FALSE(validate_condition({"Ready", "true", "Scheduled", "", 1}));
  EXPECT_FALSE(validate_condition({"Ready", "True", "not valid", "", 1}));
  EXPECT_FALSE(validate_condition({"Ready", "True", "", "", 1}));
  EXPECT_FALSE(validate_condition({"Ready", "True", "Scheduled", std::string(32769, 'x'), 1}));
}

}  // namespace
}  // namespace orderops::kube
