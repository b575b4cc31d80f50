#include "common/error.h"

#include <gtest/gtest.h>

namespace orderops {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return invalid("x: " + std::to_string(x) + " is odd");
  return x / 2;
}

TEST(Error, ResultCarriesValueOrError) {
  EXPECT_EQ(*half(4), 2);
  auto bad = half(3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().wrap("spec.batchSize").message, "spec.batchSize: x: 3 is odd");
}

TEST(Error, OnlyTransientCodesAreRetryable) {
  EXPECT_TRUE(Error{ErrorCode::kUnavailable}.retryable());
  EXPECT_TRUE(Error{ErrorCode::kTimeout}.retryable());
  EXPECT_FALSE(Error{ErrorCode::kInvalid}.retryable());
  EXPECT_FALSE(Error{ErrorCode::kUnauthorized}.retryable());
  EXPECT_EQ((Error{ErrorCode::kNotFound, "secret shop-db", "NotFound"}).to_string(),
            "NotFound (NotFound): secret shop-db");
}

}  // namespace
}  // namespace orderops
