// Deterministic order numbers for RETRY and UNFREEZE orders: same intent, same number; different
// intents, different numbers; always <= 64 characters of WeChat Pay's charset.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "profitshare/out_order_no.h"

namespace orderops::profitshare {
namespace {

TEST(OutOrderNo, RetryNumberIsReadableWhenItFits) {
  EXPECT_EQ(retry_out_order_no("P20261121001", 4711, 1), "P20261121001-R4711-1");
  EXPECT_EQ(unfreeze_out_order_no("P20261121001", 1), "P20261121001-U1");
}

TEST(OutOrderNo, SameIntentSameNumber) {
  EXPECT_EQ(retry_out_order_no("P1", 7, 2), retry_out_order_no("P1", 7, 2));
  const std::string long_no(64, 'x');
  EXPECT_EQ(retry_out_order_no(long_no, 1234567890123456789, 3),
            retry_out_order_no(long_no, 1234567890123456789, 3));
}

TEST(OutOrderNo, DifferentIntentsDiffer) {
  std::set<std::string> seen;
  const std::string long_a(64, 'a');
  std::string long_b = long_a;
  long_b.back() = 'b';  // differs only beyond the kept prefix
  for (const std::string& orig : {std::string("P1"), long_a, long_b}) {
    for (std::int64_t receiver : {1LL, 2LL, 12LL, 1234567890123456789LL}) {
      for (int attempt : {1, 2, 3, 10}) {
        EXPECT_TRUE(seen.insert(retry_out_order_no(orig, receiver, attempt)).second)
            << orig << " " << receiver << " " << attempt;
      }
    }
    for (int attempt : {1, 2}) {
      EXPECT_TRUE(seen.insert(unfreeze_out_order_no(orig, attempt)).second);
    }
  }
}

TEST(OutOrderNo, AlwaysValidLengthAndCharset) {
  const std::string cases[] = {"",
                               "P1",
                               std::string(64, '9'),
                               std::string(63, 'A') + "|",
                               "订单-2026/11/21 #7",
                               std::string(200, '*')};
  for (const auto& orig : cases) {
    SCOPED_TRACE(orig);
    const auto retry = retry_out_order_no(orig, 9223372036854775807, 99);
    const auto unfreeze = unfreeze_out_order_no(orig, 12);
    EXPECT_TRUE(is_valid_out_order_no(retry)) << retry;
    EXPECT_TRUE(is_valid_out_order_no(unfreeze)) << unfreeze;
    EXPECT_LE(retry.size(), 64u);
    EXPECT_TRUE(retry.ends_with("-R9223372036854775807-99")) << retry;
    EXPECT_TRUE(unfreeze.ends_with("-U12")) << unfreeze;
  }
}

TEST(OutOrderNo, NeverTheOriginalNumber) {
  for (const std::string& orig : {std::string("P1"), std::string(64, 'z')}) {
    EXPECT_NE(unfreeze_out_order_no(orig, 1), orig);
    EXPECT_NE(retry_out_order_no(orig, 1, 1), orig);
  }
}

TEST(OutOrderNo, Validation) {
  EXPECT_TRUE(is_valid_out_order_no("aZ09_-|*@"));
  EXPECT_FALSE(is_valid_out_order_no(""));
  EXPECT_FALSE(is_valid_out_order_no(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_out_order_no("a b"));
  EXPECT_FALSE(is_valid_out_order_no("a/b"));
}

}  // namespace
}  // namespace orderops::profitshare
