#include "api/condition.h"

#include <gtest/gtest.h>

#include "api/condition_types.h"
#include "common/time_format.h"

namespace orderops::api {
namespace {

using namespace std::chrono_literals;

SystemTime at(std::string_view rfc3339) { return *parse_rfc3339(rfc3339); }

Condition ready(ConditionStatus status, std::string reason, std::int64_t generation = 1) {
  return Condition{.type = std::string(conditions::kReady),
                   .status = status,
                   .observed_generation = generation,
                   .reason = std::move(reason),
                   .message = "m"};
}

TEST(Conditions, NewConditionGetsNowInWholeSeconds) {
  std::vector<Condition> list;
  EXPECT_TRUE(set_condition(list, ready(ConditionStatus::kTrue, "Scheduled"),
                            at("2026-11-21T10:00:00.900Z")));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].last_transition_time, at("2026-11-21T10:00:00Z"));
}

TEST(Conditions, TransitionTimeMovesOnlyWhenStatusFlips) {
  std::vector<Condition> list;
  const SystemTime t0 = at("2026-11-21T10:00:00Z");
  set_condition(list, ready(ConditionStatus::kTrue, "Scheduled", 1), t0);

  // Same status, new reason, message and generation: overwritten, transition time kept.
  Condition update = ready(ConditionStatus::kTrue, "Suspended", 2);
  update.message = "suspended by user";
  EXPECT_TRUE(set_condition(list, update, t0 + 1h));
  EXPECT_EQ(list[0].reason, "Suspended");
  EXPECT_EQ(list[0].message, "suspended by user");
  EXPECT_EQ(list[0].observed_generation, 2);
  EXPECT_EQ(list[0].last_transition_time, t0);

  // Nothing new: no change reported, so no status write is needed.
  EXPECT_FALSE(set_condition(list, update, t0 + 2h));
  EXPECT_EQ(list[0].last_transition_time, t0);

  // Status flips: transition time is now.
  EXPECT_TRUE(set_condition(list, ready(ConditionStatus::kFalse, "InvalidSpec", 2), t0 + 3h));
  EXPECT_EQ(list[0].status, ConditionStatus::kFalse);
  EXPECT_EQ(list[0].last_transition_time, t0 + 3h);
  EXPECT_EQ(list.size(), 1u);
}

TEST(Conditions, GivenTransitionTimeIsUsedOnFlip) {
  std::vector<Condition> list;
  set_condition(list, ready(ConditionStatus::kTrue, "Scheduled"), at("2026-11-21T10:00:00Z"));
  Condition flip = ready(ConditionStatus::kFalse, "DatabaseUnavailable");
  flip.last_transition_time = at("2026-11-21T10:30:00Z");
  set_condition(list, flip, at("2026-11-21T11:00:00Z"));
  EXPECT_EQ(list[0].last_transition_time, at("2026-11-21T10:30:00Z"));
}

TEST(Conditions, FindRemoveAndTruth) {
  std::vector<Condition> list;
  EXPECT_EQ(find_condition(list, conditions::kReady), nullptr);
  EXPECT_FALSE(is_condition_true(list, conditions::kReady));  // missing counts as Unknown
  set_condition(list, ready(ConditionStatus::kTrue, "Scheduled"), at("2026-11-21T10:00:00Z"));
  set_condition(list,
                Condition{.type = std::string(conditions::kRunning),
                          .status = ConditionStatus::kFalse,
                          .reason = std::string(reasons::kIdle)},
                at("2026-11-21T10:00:00Z"));
  EXPECT_TRUE(is_condition_true(list, conditions::kReady));
  EXPECT_FALSE(is_condition_true(list, conditions::kRunning));
  ASSERT_NE(find_condition(list, "Running"), nullptr);
  EXPECT_EQ(find_condition(list, "ready"), nullptr);  // types are case-sensitive keys
  EXPECT_TRUE(remove_condition(list, conditions::kRunning));
  EXPECT_FALSE(remove_condition(list, conditions::kRunning));
  EXPECT_EQ(list.size(), 1u);
}

TEST(Conditions, ValidationFollowsMetav1Rules) {
  EXPECT_TRUE(is_valid_condition_type("Ready"));
  EXPECT_TRUE(is_valid_condition_type("orderops.io/BacklogHigh"));
  EXPECT_FALSE(is_valid_condition_type(""));
  EXPECT_FALSE(is_valid_condition_type("Ready!"));
  EXPECT_FALSE(is_valid_condition_type("-Ready"));
  EXPECT_FALSE(is_valid_condition_type("Orderops.IO/Ready"));
  EXPECT_FALSE(is_valid_condition_type(std::string(317, 'a')));
  EXPECT_TRUE(is_valid_condition_reason("ConsecutiveFailures"));
  EXPECT_TRUE(is_valid_condition_reason("A"));
  EXPECT_TRUE(is_valid_condition_reason("Reason_With:Parts,2"));
  EXPECT_FALSE(is_valid_condition_reason("Two Words"));
  EXPECT_FALSE(is_valid_condition_reason("9Lives"));
  EXPECT_FALSE(is_valid_condition_reason("Trailing:"));
  EXPECT_FALSE(is_valid_condition_reason(std::string(1025, 'a')));

  Condition bad{.type = "Not Valid",
                .status = ConditionStatus::kTrue,
                .observed_generation = -1,
                .reason = "",
                .message = std::string(32769, 'x')};
  const auto errors = validate_condition(bad, "status.conditions[0]");
  std::vector<std::string> paths;
  for (const auto& e : errors) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "status.conditions[0].type", "status.conditions[0].reason",
                       "status.conditions[0].message", "status.conditions[0].observedGeneration",
                       "status.conditions[0].lastTransitionTime"}));

  std::vector<Condition> dup = {ready(ConditionStatus::kTrue, "Scheduled"),
                                ready(ConditionStatus::kFalse, "InvalidSpec")};
  for (auto& c : dup) c.last_transition_time = at("2026-11-21T10:00:00Z");
  const auto dup_errors = validate_conditions(dup, "status.conditions");
  ASSERT_EQ(dup_errors.size(), 1u);
  EXPECT_EQ(dup_errors[0].to_string(),
            "status.conditions[1].type: \"Ready\": duplicate condition type");
}

TEST(Conditions, EveryApiTypeAndReasonIsValid) {
  for (const auto type :
       {conditions::kReady, conditions::kStalled, conditions::kRunning, conditions::kRunFailing,
        conditions::kBacklogHigh, conditions::kOrdersStuck, conditions::kBillDownloadFailing,
        conditions::kRetryExhausted, conditions::kUnfreezeFailing}) {
    EXPECT_TRUE(is_valid_condition_type(type)) << type;
  }
  for (const auto reason : {reasons::kScheduled,
                            reasons::kSuspended,
                            reasons::kInvalidSpec,
                            reasons::kSecretNotFound,
                            reasons::kInvalidCredentials,
                            reasons::kDatabaseUnavailable,
                            reasons::kSchemaMismatch,
                            reasons::kHealthy,
                            reasons::kRunActive,
                            reasons::kIdle,
                            reasons::kConsecutiveFailures,
                            reasons::kRunsSucceeding,
                            reasons::kDownloading,
                            reasons::kBacklogAboveThreshold,
                            reasons::kBacklogNormal,
                            reasons::kProcessingTimeout,
                            reasons::kNoStuckOrders,
                            reasons::kReceiversFinallyFailed,
                            reasons::kNoExhaustedReceivers,
                            reasons::kUnfreezeErrors,
                            reasons::kUnfreezeHealthy}) {
    EXPECT_TRUE(is_valid_condition_reason(reason)) << reason;
  }
}

TEST(Conditions, StatusStrings) {
  EXPECT_EQ(to_string(ConditionStatus::kTrue), "True");
  EXPECT_EQ(to_string(ConditionStatus::kFalse), "False");
  EXPECT_EQ(to_string(ConditionStatus::kUnknown), "Unknown");
  EXPECT_EQ(*parse_condition_status("Unknown"), ConditionStatus::kUnknown);
  EXPECT_EQ(parse_condition_status("true").error().message,
            "\"true\": must be one of True, False, Unknown");
}

}  // namespace
}  // namespace orderops::api
