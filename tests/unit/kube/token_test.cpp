#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kube/token_bucket.h"
#include "kube/token_source.h"
#include "support/fake_clock.h"

namespace orderops::kube {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TokenSourceTest, FixedTokenNeverReadsFiles) {
  testing::FakeClock clock;
  TokenSource source("abc", "", clock);
  EXPECT_EQ(*source.token(), "abc");
  EXPECT_FALSE(source.invalidate());
}

TEST(TokenSourceTest, FileIsReReadEveryMinuteAndAfterInvalidate) {
  testing::FakeClock clock;
  const fs::path file =
      fs::temp_directory_path() / ("orderops-token-" + std::to_string(::getpid()));
  std::ofstream(file) << "one\n";
  TokenSource source("", file.string(), clock);
  EXPECT_EQ(*source.token(), "one");
  std::ofstream(file) << "two\n";
  clock.advance(seconds(59));
  EXPECT_EQ(*source.token(), "one");  // cached for 60 s
  clock.advance(seconds(1));
  EXPECT_EQ(*source.token(), "two");
  std::ofstream(file) << "three";
  EXPECT_EQ(*source.token(), "two");
  EXPECT_TRUE(source.invalidate());  // a 401: read the file again now
  EXPECT_EQ(*source.token(), "three");
  // An unreadable file keeps the last good token rather than failing requests.
  fs::remove(file);
  clock.advance(seconds(61));
  EXPECT_EQ(*source.token(), "three");
}

TEST(TokenSourceTest, MissingFileWithoutCacheIsUnauthorized) {
  testing::FakeClock clock;
  TokenSource source("", "/nonexistent/token", clock);
  auto t = source.token();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kUnauthorized);
}

TEST(TokenBucketTest, BurstThenSpacedReservations) {
  testing::FakeClock clock;
  TokenBucket bucket(20, 30, clock);  // controller-runtime's client QPS/burst
  for (int i = 0; i < 30; ++i) EXPECT_EQ(bucket.reserve(), Duration::zero()) << i;
  EXPECT_EQ(bucket.reserve(), milliseconds(50));
  EXPECT_EQ(bucket.reserve(), milliseconds(100));
  clock.advance(milliseconds(100));
  EXPECT_EQ(bucket.reserve(), milliseconds(50));
}

TEST(TokenBucketTest, TryTakeDoesNotGoIntoDebt) {
  testing::FakeClock clock;
  TokenBucket bucket(1.0 / 300.0, 2, clock);
  EXPECT_TRUE(bucket.try_take());
  EXPECT_TRUE(bucket.try_take());
  EXPECT_FALSE(bucket.try_take());
  clock.advance(seconds(299));
  EXPECT_FALSE(bucket.try_take());
  clock.advance(seconds(1));
  EXPECT_TRUE(bucket.try_take());
  EXPECT_FALSE(bucket.try_take());
}

}  // namespace
}  // namespace orderops::kube
