// Result cells and array parameters as text.
#include "pg/rows.h"

#include <gtest/gtest.h>

namespace orderops::pg {
namespace {

TEST(RowsTest, TypedAccessNamesTheColumnOnError) {
  const Rows rows({"id", "flag", "note"}, {{"42", "t", std::nullopt}, {"x", "f", "n"}}, 0);
  EXPECT_EQ(rows.int64(0, 0).value(), 42);
  EXPECT_EQ(rows.boolean(0, 1).value(), true);
  EXPECT_EQ(rows.boolean(1, 1).value(), false);
  EXPECT_TRUE(rows.is_null(0, 2));
  EXPECT_EQ(rows.text(0, 2), "");
  auto bad = rows.int64(1, 0);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "column \"id\": \"x\" is not an integer");
  auto null = rows.int64(0, 2);
  ASSERT_FALSE(null.has_value());
  EXPECT_EQ(null.error().message, "column \"note\": is NULL, expected an integer");
  EXPECT_DOUBLE_EQ(Rows({"x"}, {{"1.5"}}, 0).float64(0, 0).value(), 1.5);
}

TEST(RowsTest, ArrayLiterals) {
  const std::int64_t ids[] = {1, -2, 3};
  EXPECT_EQ(bigint_array(ids), "{1,-2,3}");
  EXPECT_EQ(bigint_array({}), "{}");
  const std::string words[] = {"a", "b\"c", "d\\e"};
  EXPECT_EQ(text_array(words), "{\"a\",\"b\\\"c\",\"d\\\\e\"}");
}

}  // namespace
}  // namespace orderops::pg
