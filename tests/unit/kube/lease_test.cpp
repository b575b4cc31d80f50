#include "kube/lease.h"

#include <gtest/gtest.h>

namespace orderops::kube {
namespace {

TEST(LeaseTest, MicroTimeHasSixDigitsAndRoundTrips) {
  const SystemTime t = SystemTime(std::chrono::seconds(1'800'000'000)) +
                       std::chrono::microseconds(123'456) + std::chrono::nanoseconds(789);
  LeaseRecord record{"host_1234", 15, t, t, 3};
  const Json lease = make_lease("ns", "orderops-leader", record);
  EXPECT_EQ(lease["spec"]["renewTime"], "2027-01-15T08:00:00.123456Z");
  EXPECT_EQ(lease["spec"]["acquireTime"], "2027-01-15T08:00:00.123456Z");
  EXPECT_EQ(lease["metadata"]["namespace"], "ns");
  auto back = lease_record_from(lease);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->holder_identity, "host_1234");
  EXPECT_EQ(back->lease_duration_seconds, 15);
  EXPECT_EQ(back->lease_transitions, 3);
  EXPECT_EQ(*back->renew_time, t - std::chrono::nanoseconds(789));
}

TEST(LeaseTest, EmptySpecReadsAsFreeLease) {
  auto record = lease_record_from(Json{{"metadata", {{"name", "x"}}}});
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->holder_identity.empty());
  EXPECT_FALSE(record->renew_time);
  EXPECT_FALSE(lease_record_from(Json{{"spec", {{"renewTime", "yesterday"}}}}));
}

}  // namespace
}  // namespace orderops::kube
