#include "reconcile/readiness.h"

#include <gtest/gtest.h>

#include "api/condition_types.h"

namespace orderops::reconcile {
namespace {

Error problem(ErrorCode code, std::string reason, std::string message = "m") {
  return Error{code, std::move(message), std::move(reason)};
}

TEST(Readiness, HealthyIsReadyScheduledOrSuspended) {
  EXPECT_EQ(readiness(std::nullopt, false).reason, "Scheduled");
  const Readiness s = readiness(std::nullopt, true);
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.reason, "Suspended");
  EXPECT_FALSE(s.stalled);
}

TEST(Readiness, ReasonsAndWhetherTheyStall) {
  struct Case {
    const char* name;
    Error error;
    const char* reason;
    bool stalled;
  };
  const Case cases[] = {
      {"invalid spec", problem(ErrorCode::kInvalid, "InvalidSpec"), "InvalidSpec", true},
      {"secret missing", problem(ErrorCode::kNotFound, "SecretNotFound"), "SecretNotFound", true},
      {"bad credentials", problem(ErrorCode::kInvalid, "InvalidCredentials"), "InvalidCredentials",
       true},
      {"schema", problem(ErrorCode::kInvalid, "SchemaMismatch"), "SchemaMismatch", true},
      {"wrong password", problem(ErrorCode::kUnauthorized, "DatabaseUnavailable"),
       "DatabaseUnavailable", true},
      {"no such database", problem(ErrorCode::kNotFound, "DatabaseUnavailable"),
       "DatabaseUnavailable", true},
      {"network down", problem(ErrorCode::kUnavailable, "DatabaseUnavailable"),
       "DatabaseUnavailable", false},
      {"timeout", problem(ErrorCode::kTimeout, "DatabaseUnavailable"), "DatabaseUnavailable",
       false},
      {"unknown transient", problem(ErrorCode::kUnavailable, ""), "DatabaseUnavailable", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Readiness r = readiness(c.error, false);
    EXPECT_FALSE(r.ready);
    EXPECT_EQ(r.reason, c.reason);
    EXPECT_EQ(r.stalled, c.stalled);
    EXPECT_EQ(r.message, "m");
  }
}

TEST(Readiness, ConditionsCarryGenerationAndTransitionOnlyOnFlip) {
  std::vector<api::Condition> conditions;
  const SystemTime t0 = SystemTime(std::chrono::seconds(1000));
  set_readiness_conditions(conditions, readiness(std::nullopt, false), 3, t0);
  const auto* ready = api::find_condition(conditions, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, api::ConditionStatus::kTrue);
  EXPECT_EQ(ready->observed_generation, 3);
  EXPECT_EQ(api::find_condition(conditions, "Stalled")->reason, "Healthy");

  set_readiness_conditions(conditions, readiness(std::nullopt, false), 4,
                           t0 + std::chrono::hours(1));
  EXPECT_EQ(api::find_condition(conditions, "Ready")->last_transition_time, t0);
  EXPECT_EQ(api::find_condition(conditions, "Ready")->observed_generation, 4);

  const SystemTime t2 = t0 + std::chrono::hours(2);
  set_readiness_conditions(
      conditions,
      readiness(problem(ErrorCode::kNotFound, "SecretNotFound", "secret shop/db not found"), false),
      4, t2);
  ready = api::find_condition(conditions, "Ready");
  EXPECT_EQ(ready->status, api::ConditionStatus::kFalse);
  EXPECT_EQ(ready->reason, "SecretNotFound");
  EXPECT_EQ(ready->message, "secret shop/db not found");
  EXPECT_EQ(ready->last_transition_time, t2);
  const auto* stalled = api::find_condition(conditions, "Stalled");
  EXPECT_EQ(stalled->status, api::ConditionStatus::kTrue);
  EXPECT_EQ(stalled->reason, "SecretNotFound");
}

}  // namespace
}  // namespace orderops::reconcile
