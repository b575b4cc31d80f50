// The small rules behind the operation log and error handling: UTF-8 safe truncation, Request-ID
// extraction, and which WeChat Pay errors mean "nothing was created".
#include <gtest/gtest.h>

#include "profitshare/job_support.h"

namespace orderops::profitshare {
namespace {

TEST(JobSupport, TruncatesWholeUtf8Characters) {
  EXPECT_EQ(truncate_utf8("abcdef", 3), "abc");
  EXPECT_EQ(truncate_utf8("分账金额不足", 2), "分账");
  EXPECT_EQ(truncate_utf8("a分b", 2), "a分");
  EXPECT_EQ(truncate_utf8("short", 255), "short");
  EXPECT_EQ(truncate_utf8("", 0), "");
}

TEST(JobSupport, RequestIdFromClientErrors) {
  Error e{ErrorCode::kInvalid,
          "wechatpay create_order: HTTP 400 PARAM_ERROR: x [Request-ID 08F1C2D3-4A]",
          "PARAM_ERROR",
          400,
          {}};
  EXPECT_EQ(request_id_of(e), "08F1C2D3-4A");
  e.message = "no id here";
  EXPECT_EQ(request_id_of(e), "");
}

TEST(JobSupport, ErrorCodeForTheLog) {
  EXPECT_EQ(error_code_of(Error{ErrorCode::kForbidden, "m", "NOT_ENOUGH", 403, {}}), "NOT_ENOUGH");
  EXPECT_EQ(error_code_of(Error{ErrorCode::kUnavailable, "m", "", 503, {}}), "503");
  EXPECT_EQ(error_code_of(Error{ErrorCode::kTimeout, "m", "", {}, {}}),
            std::string(to_string(ErrorCode::kTimeout)));
}

TEST(JobSupport, OnlyBusinessRefusalsAreDefinitive) {
  EXPECT_TRUE(is_definitive(Error{ErrorCode::kInvalid, "", "PARAM_ERROR", 400, {}}));
  EXPECT_TRUE(is_definitive(Error{ErrorCode::kForbidden, "", "NOT_ENOUGH", 403, {}}));
  // May have arrived: resolved later with the same number.
  for (auto code : {ErrorCode::kUnavailable, ErrorCode::kTimeout, ErrorCode::kInternal,
                    ErrorCode::kUnauthorized, ErrorCode::kCancelled, ErrorCode::kNotFound}) {
    EXPECT_FALSE(is_definitive(Error{code, "", "", {}, {}})) << to_string(code);
  }
}

}  // namespace
}  // namespace orderops::profitshare
