// PgDatabaseProbe against a real server that goes away and comes back: a cached success hides
// an outage until forget() (what a run that lost the database calls), after which the probe
// reports DatabaseUnavailable, retryable, and succeeds again once the server is back.
#include <gtest/gtest.h>

#include "api/condition_types.h"
#include "common/clock.h"
#include "postgres/postgres_environment.h"
#include "reconcile/database_probe.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops::reconcile {
namespace {

class DatabaseProbeTest : public testing::PostgresTest {
 protected:
  void TearDown() override {
    // Leave the shared cluster running for the next test whatever happened here.
    ASSERT_TRUE(cluster().start_again().has_value());
  }

  static pg::SchemaOptions aftersales() {
    pg::SchemaOptions schema;
    schema.parts = {pg::SchemaPart::kAftersales};
    return schema;
  }

  SystemClock clock_;
};

TEST_F(DatabaseProbeTest, ForgetMakesTheNextProbeSeeAnOutage) {
  PgDatabaseProbe probe(clock_, std::chrono::minutes(10), std::chrono::seconds(2));
  ASSERT_TRUE(probe.probe(url(), aftersales(), {}).has_value());

  ASSERT_TRUE(cluster().stop().has_value());
  // Within the success TTL the cache answers, database or not.
  EXPECT_TRUE(probe.probe(url(), aftersales(), {}).has_value());

  probe.forget(url());
  auto down = probe.probe(url(), aftersales(), {});
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().reason, api::reasons::kDatabaseUnavailable);
  EXPECT_TRUE(down.error().retryable()) << down.error().to_string();

  ASSERT_TRUE(cluster().start_again().has_value());
  EXPECT_TRUE(probe.probe(url(), aftersales(), {}).has_value());
}

TEST_F(DatabaseProbeTest, ForgetLeavesOtherDatabasesCached) {
  PgDatabaseProbe probe(clock_, std::chrono::minutes(10), std::chrono::seconds(2));
  ASSERT_TRUE(probe.probe(url(), aftersales(), {}).has_value());
  ASSERT_TRUE(cluster().stop().has_value());
  probe.forget(url() + "_other");
  EXPECT_TRUE(probe.probe(url(), aftersales(), {}).has_value());
}

}  // namespace
}  // namespace orderops::reconcile
