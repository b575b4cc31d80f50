#include "wechatpay/limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/fake_clock.h"

namespace orderops::wechatpay {
namespace {

TEST(MerchantLimiter, BurstThenOneTokenPerInterval) {
  testing::FakeClock clock;
  MerchantLimiter limiter(clock, 2.0, 10);  // burst 2, then one every 500 ms
  std::vector<MerchantLimiter::Permit> held;
  for (int i = 0; i < 2; ++i) held.push_back(*limiter.acquire({}));
  std::atomic<bool> third = false;
  std::jthread waiter([&] {
    auto p = limiter.acquire({});
    EXPECT_TRUE(p);
    third = true;
  });
  clock.await_sleepers(1);
  EXPECT_FALSE(third);
  clock.advance(std::chrono::milliseconds(499));
  EXPECT_FALSE(third);
  clock.advance(std::chrono::milliseconds(1));
  waiter.join();
  EXPECT_TRUE(third);
}

TEST(MerchantLimiter, TokensRefillWhileIdle) {
  testing::FakeClock clock;
  MerchantLimiter limiter(clock, 1.0, 4);
  { auto p = limiter.acquire({}); }
  clock.advance(std::chrono::seconds(1));
  // A whole second passed: the next one is free (no sleeper appears).
  auto p = limiter.acquire({});
  EXPECT_TRUE(p);
  EXPECT_EQ(limiter.in_flight(), 1);
}

TEST(MerchantLimiter, ConcurrencyCapBlocksUntilAPermitIsReleased) {
  testing::FakeClock clock;
  MerchantLimiter limiter(clock, 1000.0, 2);
  auto a = *limiter.acquire({});
  auto b = *limiter.acquire({});
  EXPECT_EQ(limiter.in_flight(), 2);
  std::atomic<bool> got = false;
  std::jthread waiter([&] {
    auto c = limiter.acquire({});
    got = c.has_value();
  });
  // No clock involvement: the waiter blocks on the slot, not on time.
  for (int i = 0; i < 100 && !got; ++i) std::this_thread::yield();
  EXPECT_FALSE(got);
  a.reset();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(limiter.in_flight(), 1);  // b is still held; c was released when the thread ended
}

TEST(MerchantLimiter, StopCancelsBothWaits) {
  testing::FakeClock clock;
  MerchantLimiter limiter(clock, 1.0, 1);
  auto held = *limiter.acquire({});
  std::stop_source stop;
  Result<MerchantLimiter::Permit> slot_wait = make_error(ErrorCode::kInternal, "unset");
  std::jthread waiter([&] { slot_wait = limiter.acquire(stop.get_token()); });
  stop.request_stop();
  waiter.join();
  ASSERT_FALSE(slot_wait);
  EXPECT_EQ(slot_wait.error().code, ErrorCode::kCancelled);

  held.reset();  // slot free, but the bucket is empty: the wait is now on time
  std::stop_source stop2;
  Result<MerchantLimiter::Permit> token_wait = make_error(ErrorCode::kInternal, "unset");
  std::jthread waiter2([&] { token_wait = limiter.acquire(stop2.get_token()); });
  clock.await_sleepers(1);
  stop2.request_stop();
  waiter2.join();
  ASSERT_FALSE(token_wait);
  EXPECT_EQ(token_wait.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(limiter.in_flight(), 0);
}

TEST(MerchantLimiter, WaitersQueueBehindEachOther) {
  testing::FakeClock clock;
  MerchantLimiter limiter(clock, 10.0, 8);
  for (int i = 0; i < 10; ++i) limiter.acquire({});  // drain the burst
  std::atomic<int> done = 0;
  std::jthread a([&] {
    auto p = limiter.acquire({});
    ++done;
  });
  std::jthread b([&] {
    auto p = limiter.acquire({});
    ++done;
  });
  clock.await_sleepers(2);  // one reserved the +100 ms token, the other the +200 ms one
  clock.advance(std::chrono::milliseconds(100));
  while (done < 1) std::this_thread::yield();
  clock.await_sleepers(1);
  EXPECT_EQ(done, 1);
  clock.advance(std::chrono::milliseconds(100));
  a.join();
  b.join();
  EXPECT_EQ(done, 2);
}

}  // namespace
}  // namespace orderops::wechatpay
