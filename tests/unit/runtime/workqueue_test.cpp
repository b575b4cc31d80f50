#include "runtime/workqueue.h"

#include <gtest/gtest.h>

#include <future>

#include "runtime/rate_limiter.h"
#include "support/fake_clock.h"

namespace orderops::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class WorkQueueTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  std::vector<size_t> depths_;
  std::mutex depth_mu_;
  WorkQueue queue_{clock_, make_default_controller_rate_limiter(clock_), [this](size_t d) {
                     std::lock_guard lock(depth_mu_);
                     depths_.push_back(d);
                   }};
};

TEST_F(WorkQueueTest, AddsOfAQueuedKeyCollapse) {
  queue_.add("ns/a");
  queue_.add("ns/a");
  queue_.add("ns/b");
  EXPECT_EQ(queue_.len(), 2u);
  EXPECT_EQ(*queue_.try_get(), "ns/a");
  EXPECT_EQ(*queue_.try_get(), "ns/b");
  EXPECT_FALSE(queue_.try_get());
  EXPECT_EQ(depths_.back(), 0u);
}

TEST_F(WorkQueueTest, KeyInProcessIsNotHandedOutTwiceAndReturnsOnDone) {
  queue_.add("ns/a");
  ASSERT_EQ(*queue_.try_get(), "ns/a");
  EXPECT_TRUE(queue_.is_processing("ns/a"));
  queue_.add("ns/a");  // changed while being reconciled
  queue_.add("ns/a");
  EXPECT_FALSE(queue_.try_get());  // no second worker on the same key
  queue_.done("ns/a");
  EXPECT_EQ(*queue_.try_get(), "ns/a");  // exactly one rerun
  queue_.done("ns/a");
  EXPECT_FALSE(queue_.try_get());
}

TEST_F(WorkQueueTest, AddAfterKeepsTheEarliestTime) {
  queue_.add_after("ns/a", seconds(10));
  queue_.add_after("ns/a", seconds(5));
  queue_.add_after("ns/a", seconds(20));
  EXPECT_EQ(queue_.delayed(), 1u);
  clock_.advance(milliseconds(4999));
  EXPECT_FALSE(queue_.try_get());
  clock_.advance(milliseconds(1));
  EXPECT_EQ(*queue_.try_get(), "ns/a");
  EXPECT_EQ(queue_.delayed(), 0u);
  queue_.add_after("ns/b", Duration::zero());  // no delay: an immediate add
  EXPECT_EQ(*queue_.try_get(), "ns/b");
}

TEST_F(WorkQueueTest, DelayedKeyJoinsAKeyAlreadyQueued) {
  queue_.add("ns/a");
  queue_.add_after("ns/a", seconds(1));
  clock_.advance(seconds(1));
  EXPECT_EQ(*queue_.try_get(), "ns/a");
  EXPECT_FALSE(queue_.try_get());
}

TEST_F(WorkQueueTest, BlockedGetWakesWhenADelayedKeyComesDue) {
  queue_.add_after("ns/a", seconds(3));
  auto got = std::async(std::launch::async, [&] { return queue_.get({}); });
  clock_.await_sleepers(1);  // the delay thread sleeps until the key is due
  clock_.advance(seconds(3));
  EXPECT_EQ(*got.get(), "ns/a");
}

TEST_F(WorkQueueTest, RateLimitedAddsBackOffPerKeyUntilForgotten) {
  queue_.add_rate_limited("ns/a");
  queue_.add_rate_limited("ns/a");  // pending at +5 ms; +10 ms is later, so ignored
  EXPECT_EQ(queue_.num_requeues("ns/a"), 2);
  EXPECT_FALSE(queue_.try_get());
  clock_.advance(milliseconds(5));
  EXPECT_EQ(*queue_.try_get(), "ns/a");
  queue_.done("ns/a");
  queue_.add_rate_limited("ns/a");  // third failure: 20 ms
  clock_.advance(milliseconds(19));
  EXPECT_FALSE(queue_.try_get());
  clock_.advance(milliseconds(1));
  EXPECT_EQ(*queue_.try_get(), "ns/a");
  queue_.forget("ns/a");
  EXPECT_EQ(queue_.num_requeues("ns/a"), 0);
}

TEST_F(WorkQueueTest, ShutDownReleasesBlockedReaders) {
  auto got = std::async(std::launch::async, [&] { return queue_.get({}); });
  queue_.shut_down();
  EXPECT_FALSE(got.get());
  queue_.add("ns/a");  // ignored after shutdown
  EXPECT_FALSE(queue_.try_get());
}

TEST_F(WorkQueueTest, StopTokenReleasesBlockedReaders) {
  std::stop_source stop;
  auto got = std::async(std::launch::async, [&] { return queue_.get(stop.get_token()); });
  stop.request_stop();
  EXPECT_FALSE(got.get());
}

TEST(RateLimiterTest, PerItemExponentialFrom5msCappedAt1000s) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
  EXPECT_EQ(limiter.when("a"), milliseconds(10));
  EXPECT_EQ(limiter.when("a"), milliseconds(20));
  EXPECT_EQ(limiter.when("b"), milliseconds(5));  // per item
  for (int i = 3; i < 17; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), milliseconds(655'360));  // 5 ms * 2^17
  EXPECT_EQ(limiter.when("a"), seconds(1000));          // 2^18 would be 1310 s
  for (int i = 0; i < 100; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), seconds(1000));  // no overflow however often it fails
  EXPECT_EQ(limiter.num_requeues("a"), 120);
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
}

TEST(RateLimiterTest, DefaultIsMaxOfItemBackoffAndOverallBucket) {
  testing::FakeClock clock;
  auto limiter = make_default_controller_rate_limiter(clock);
  // The bucket allows a burst of 100 at once; the per-item delays are what count.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(limiter->when("key-" + std::to_string(i)), milliseconds(5));
  }
  // Then 10 per second: the 101st first failure waits 100 ms, not 5 ms.
  EXPECT_EQ(limiter->when("key-100"), milliseconds(100));
  EXPECT_EQ(limiter->when("key-101"), milliseconds(200));
  limiter->forget("key-0");
  EXPECT_EQ(limiter->num_requeues("key-0"), 0);
  EXPECT_EQ(limiter->num_requeues("key-1"), 1);
}

}  // namespace
}  // namespace orderops::runtime
