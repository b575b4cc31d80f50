// PgDatabaseProbe on Secrets whose database URL nobody can use: no server is needed, the probe
// refuses them before connecting, as invalid credentials (which stall) rather than an outage
// (which is retried forever), and shows no password.
#include "reconcile/database_probe.h"

#include <gtest/gtest.h>

#include "api/condition_types.h"
#include "common/clock.h"
#include "reconcile/readiness.h"

namespace orderops::reconcile {
namespace {

pg::SchemaOptions aftersales() {
  pg::SchemaOptions schema;
  schema.parts = {pg::SchemaPart::kAftersales};
  return schema;
}

TEST(DatabaseProbe, UnparsableUrlIsInvalidCredentialsAndStalls) {
  SystemClock clock;
  PgDatabaseProbe probe(clock, std::chrono::minutes(1), std::chrono::seconds(1));
  auto r = probe.probe("postgresql://shop:Pa55-s3cret@127.0.0.1:notaport/shop", aftersales(), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, api::reasons::kInvalidCredentials);
  EXPECT_NE(r.error().message.find("notaport"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("Pa55-s3cret"), std::string::npos) << r.error().message;
  const Readiness ready = readiness(r.error(), false);
  EXPECT_FALSE(ready.ready);
  EXPECT_TRUE(ready.stalled);
}

TEST(DatabaseProbe, EmptyUrlIsRefusedNotTriedOnTheLocalSocket) {
  SystemClock clock;
  PgDatabaseProbe probe(clock, std::chrono::minutes(1), std::chrono::seconds(1));
  auto r = probe.probe("", aftersales(), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, api::reasons::kInvalidCredentials);
  EXPECT_EQ(r.error().message, "database URL is empty");
}

}  // namespace
}  // namespace orderops::reconcile
