#include "common/base64.h"

#include <gtest/gtest.h>

namespace orderops {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(*base64_decode(encoded), plain);
  }
}

TEST(Base64, BinaryRoundTripAndLineBreaks) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  const std::string encoded = base64_encode(bytes);
  EXPECT_EQ(*base64_decode(encoded), bytes);
  EXPECT_EQ(*base64_decode("Zm9v\nYmFy\r\n"), "foobar");
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"Zm9", "Zm9v!", "Z===", "Zg==Zg==", "Zm=v"}) {
    SCOPED_TRACE(bad);
    auto got = base64_decode(bad);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalid);
  }
}

}  // namespace
}  // namespace orderops
