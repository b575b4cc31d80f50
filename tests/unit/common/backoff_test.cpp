#include "common/backoff.h"

#include <gtest/gtest.h>

namespace orderops {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesUpToTheCapWithoutJitter) {
  Backoff b({milliseconds(800), seconds(30), 2.0, 0.0}, 1);
  const long long want_ms[] = {800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
  for (long long w : want_ms) EXPECT_EQ(b.next(), milliseconds(w));
  EXPECT_EQ(b.attempts(), 8);
  b.reset();
  EXPECT_EQ(b.attempts(), 0);
  EXPECT_EQ(b.next(), milliseconds(800));
}

TEST(Backoff, JitterStaysWithinItsBand) {
  Backoff b({seconds(1), seconds(8), 2.0, 1.0}, 42);
  Duration base = seconds(1);
  for (int i = 0; i < 6; ++i) {
    const Duration d = b.next();
    EXPECT_GE(d, base);
    EXPECT_LT(d, 2 * base);
    base = std::min<Duration>(base * 2, seconds(8));
  }
}

TEST(Backoff, SameSeedSameSequence) {
  Backoff a({seconds(1), seconds(60), 2.0, 0.5}, 7);
  Backoff b({seconds(1), seconds(60), 2.0, 0.5}, 7);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.next(), b.next());
}

}  // namespace
}  // namespace orderops
