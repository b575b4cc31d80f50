#include "support/fake_clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace orderops {
namespace {

TEST(FakeClock, SleeperWakesOnlyWhenTimeReachesTheDeadline) {
  testing::FakeClock clock;
  std::atomic<bool> woke{false};
  std::jthread sleeper([&](std::stop_token st) {
    EXPECT_TRUE(clock.sleep_for(std::chrono::seconds(10), st));
    woke = true;
  });
  clock.await_sleepers(1);
  clock.advance(std::chrono::seconds(9));
  EXPECT_FALSE(woke.load());
  clock.advance(std::chrono::seconds(1));
  sleeper.join();
  EXPECT_TRUE(woke.load());
}

TEST(FakeClock, StopRequestEndsTheSleep) {
  testing::FakeClock clock;
  bool result = true;
  std::jthread sleeper([&](std::stop_token st) { result = clock.sleep_for(std::chrono::hours(1), st); });
  clock.await_sleepers(1);
  sleeper.request_stop();
  sleeper.join();
  EXPECT_FALSE(result);
}

TEST(SystemClock, StopRequestEndsARealSleep) {
  SystemClock clock;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(clock.sleep_for(std::chrono::hours(1), stop.get_token()));
}

}  // namespace
}  // namespace orderops
