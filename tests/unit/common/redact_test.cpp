#include "common/redact.h"

#include <gtest/gtest.h>

namespace orderops {
namespace {

TEST(Redact, RemovesPasswordsFromUris) {
  EXPECT_EQ(redact_dsn("postgresql://shop:s3cret@db:5432/shop"),
            "postgresql://shop:REDACTED@db:5432/shop");
  EXPECT_EQ(redact_dsn("postgres://shop@db/shop"), "postgres://shop@db/shop");
  EXPECT_EQ(redact_dsn("postgresql://db/shop?user=u&password=pw&sslmode=require"),
            "postgresql://db/shop?user=u&password=REDACTED&sslmode=require");
}

TEST(Redact, RemovesPasswordsFromKeywordDsns) {
  EXPECT_EQ(redact_dsn("host=db password=pw dbname=shop"),
            "host=db password=REDACTED dbname=shop");
  EXPECT_EQ(redact_dsn("host=db password='p w' dbname=shop"),
            "host=db password=REDACTED dbname=shop");
}

TEST(Redact, ReplacesEveryOccurrenceOfAValue) {
  EXPECT_EQ(redact_value("key abc then abc", "abc"), "key REDACTED then REDACTED");
  EXPECT_EQ(redact_value("nothing", ""), "nothing");
}

}  // namespace
}  // namespace orderops
