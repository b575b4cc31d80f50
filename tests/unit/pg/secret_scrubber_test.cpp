// The password of a URL never survives into text shown to users.
#include "pg/secret_scrubber.h"

#include <gtest/gtest.h>

namespace orderops::pg {
namespace {

TEST(SecretScrubberTest, RemovesRawAndDecodedPasswords) {
  const SecretScrubber s("postgresql://shop:p%40ss-Word@db.shop:5432/shop?sslmode=require");
  EXPECT_EQ(s.redacted_url(), "postgresql://shop:REDACTED@db.shop:5432/shop?sslmode=require");
  EXPECT_EQ(s.scrub("token \"p%40ss-Word\" and p@ss-Word"), "token \"REDACTED\" and REDACTED");
}

TEST(SecretScrubberTest, KeywordDsnAndQueryPasswords) {
  const SecretScrubber kw("host=db user=shop password=Kw-Secret-1 dbname=shop");
  EXPECT_EQ(kw.redacted_url(), "host=db user=shop password=REDACTED dbname=shop");
  EXPECT_EQ(kw.scrub("failed for Kw-Secret-1"), "failed for REDACTED");
  const SecretScrubber q("postgresql://db/shop?user=u&password=Q-Secret-2");
  EXPECT_EQ(q.scrub("Q-Secret-2"), "REDACTED");
  EXPECT_EQ(q.redacted_url().find("Q-Secret-2"), std::string::npos);
}

TEST(SecretScrubberTest, UnparsableUrlStillLosesItsPassword) {
  const SecretScrubber s("postgresql://u:bad%ZZsecret@h/db");
  EXPECT_EQ(s.scrub("invalid percent-encoded token: \"bad%ZZsecret\""),
            "invalid percent-encoded token: \"REDACTED\"");
}

TEST(SecretScrubberTest, NoPasswordLeavesTextAlone) {
  const SecretScrubber s("postgresql://u@h/db");
  EXPECT_EQ(s.scrub("nothing to hide"), "nothing to hide");
}

}  // namespace
}  // namespace orderops::pg
