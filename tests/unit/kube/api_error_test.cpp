#include "kube/api_error.h"

#include <gtest/gtest.h>

namespace orderops::kube {
namespace {

HttpResponse status_response(int code, const std::string& reason, const std::string& message) {
  Json body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", Json::object()},
               {"status", "Failure"}, {"message", message}, {"reason", reason},
               {"code", code}};
  return {code, body.dump(), {}, {}};
}

TEST(ApiErrorTest, DecodesStatusReasonsIntoCodes) {
  struct Case {
    int status;
    std::string reason;
    ErrorCode code;
  };
  const Case cases[] = {
      {404, "NotFound", ErrorCode::kNotFound},
      {409, "AlreadyExists", ErrorCode::kAlreadyExists},
      {409, "Conflict", ErrorCode::kConflict},
      {422, "Invalid", ErrorCode::kInvalid},
      {410, "Expired", ErrorCode::kGone},
      {410, "Gone", ErrorCode::kGone},
      {429, "TooManyRequests", ErrorCode::kUnavailable},
      {500, "InternalError", ErrorCode::kUnavailable},
      {504, "Timeout", ErrorCode::kTimeout},
      {401, "Unauthorized", ErrorCode::kUnauthorized},
      {403, "Forbidden", ErrorCode::kForbidden},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    const Error e = error_from_response(status_response(c.status, c.reason, "the message"));
    EXPECT_EQ(e.code, c.code);
    EXPECT_EQ(e.reason, c.reason);
    EXPECT_EQ(e.message, "the message");
    EXPECT_EQ(e.http_status, c.status);
  }
}

TEST(ApiErrorTest, PredicatesFollowClientGo) {
  EXPECT_TRUE(is_expired(error_from_response(status_response(410, "Expired", "too old"))));
  EXPECT_TRUE(is_expired(error_from_response(status_response(410, "Gone", "gone"))));
  EXPECT_TRUE(is_conflict(error_from_response(status_response(409, "Conflict", "x"))));
  EXPECT_FALSE(is_conflict(error_from_response(status_response(409, "AlreadyExists", "x"))));
  EXPECT_TRUE(is_already_exists(error_from_response(status_response(409, "AlreadyExists", "x"))));
  EXPECT_TRUE(is_invalid(error_from_response(status_response(422, "Invalid", "x"))));
  EXPECT_TRUE(is_internal_error(error_from_response(status_response(500, "InternalError", "x"))));
  EXPECT_TRUE(is_resource_version_too_large(error_from_response(
      status_response(504, "Timeout", "Too large resource version: 9, current: 5"))));
  EXPECT_FALSE(is_resource_version_too_large(
      error_from_response(status_response(504, "Timeout", "took too long"))));
}

TEST(ApiErrorTest, RetryAfterIsHonoured) {
  HttpResponse r = status_response(429, "TooManyRequests", "slow down");
  r.retry_after = "3";
  const Error e = error_from_response(r);
  EXPECT_TRUE(is_too_many_requests(e));
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, std::chrono::seconds(3));
  r.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
  EXPECT_FALSE(error_from_response(r).retry_after);
}

TEST(ApiErrorTest, BodyWithoutStatusGetsReasonFromCode) {
  const Error e = error_from_response({404, "404 page not found", {}, {}});
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.reason, "NotFound");
  EXPECT_NE(e.message.find("404 page not found"), std::string::npos);
  EXPECT_EQ(error_from_response({503, "", {}, {}}).code, ErrorCode::kUnavailable);
}

TEST(ApiErrorTest, WatchErrorEventStatus) {
  const Json status = {{"kind", "Status"},
                       {"status", "Failure"},
                       {"reason", "Expired"},
                       {"message", "too old resource version: 5 (7)"},
                       {"code", 410}};
  const Error e = error_from_status(status);
  EXPECT_TRUE(is_expired(e));
  EXPECT_EQ(e.code, ErrorCode::kGone);
}

}  // namespace
}  // namespace orderops::kube
