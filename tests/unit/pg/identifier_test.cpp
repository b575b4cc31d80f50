// Identifiers from user input are validated and quoted; derived names fit PostgreSQL's limit.
#include "pg/identifier.h"

#include <gtest/gtest.h>

namespace orderops::pg {
namespace {

TEST(IdentifierTest, AcceptsOnlyPlainNames) {
  for (const char* ok : {"order_aftersales", "_t", "T1", "a$"}) {
    SCOPED_TRACE(ok);
    EXPECT_EQ(is_valid_identifier(ok), std::string_view(ok) != "a$");
  }
  for (const char* bad : {"", "1t", "a b", "a;b", "a\"b", "a-b", "ä", "a.b"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(is_valid_identifier(bad));
  }
  EXPECT_TRUE(is_valid_identifier(std::string(63, 'a')));
  EXPECT_FALSE(is_valid_identifier(std::string(64, 'a')));
}

TEST(IdentifierTest, ParsesQualifiedNamesAndQuotesThem) {
  auto plain = TableName::parse("order_aftersales");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->quoted(), "\"order_aftersales\"");
  EXPECT_EQ(plain->display(), "order_aftersales");
  auto qualified = TableName::parse("Shop.Returns");
  ASSERT_TRUE(qualified.has_value());
  EXPECT_EQ(qualified->quoted(), "\"Shop\".\"Returns\"");
  EXPECT_EQ(qualified->sibling("_id_seq").quoted(), "\"Shop\".\"Returns_id_seq\"");
}

TEST(IdentifierTest, RejectionsNameTheField) {
  auto bad = TableName::parse("x; DROP TABLE y", "spec.database.logTable");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().message.rfind("spec.database.logTable: \"x; DROP TABLE y\"", 0), 0u);
  EXPECT_FALSE(TableName::parse("a.b.c").has_value());
  EXPECT_FALSE(TableName::parse(".t").has_value());
}

TEST(IdentifierTest, DerivedNamesFitTheLimit) {
  auto t = TableName::parse(std::string(63, 't'));
  ASSERT_TRUE(t.has_value());
  const auto idx = t->derived("_orderops_due_idx");
  EXPECT_EQ(idx.size(), 63u);
  EXPECT_TRUE(idx.ends_with("_orderops_due_idx"));
}

TEST(IdentifierTest, QuotesDoubleEmbeddedQuotes) {
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

}  // namespace
}  // namespace orderops::pg
