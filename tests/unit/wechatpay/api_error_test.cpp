#include "wechatpay/api_error.h"

#include <gtest/gtest.h>

#include "wechatpay/codec.h"
#include "wechatpay/endpoint.h"

namespace orderops::wechatpay {
namespace {

Error err(int status, std::string_view code, std::string_view message = "m") {
  const std::string body = code.empty() ? std::string()
                                        : "{\"code\":\"" + std::string(code) + "\",\"message\":\"" +
                                              std::string(message) + "\"}";
  return api_error("create_order", status, body, "08AB-REQ");
}

TEST(ApiError, MapsStatusesAndCodes) {
  struct Case {
    int status;
    const char* code;
    ErrorCode want;
  } cases[] = {
      {429, "RATELIMIT_EXCEED", ErrorCode::kUnavailable},
      {429, "RATELIMIT_EXCEEDED", ErrorCode::kUnavailable},
      {429, "FREQUENCY_LIMITED", ErrorCode::kUnavailable},
      {429, "", ErrorCode::kUnavailable},
      {500, "SYSTEM_ERROR", ErrorCode::kUnavailable},
      {503, "SERVICE_UNAVAILABLE", ErrorCode::kUnavailable},
      {502, "", ErrorCode::kUnavailable},
      {202, "", ErrorCode::kUnavailable},
      {404, "RESOURCE_NOT_EXISTS", ErrorCode::kNotFound},
      {404, "ORDER_NOT_EXIST", ErrorCode::kNotFound},
      {400, "NO_STATEMENT_EXIST", ErrorCode::kNotFound},
      {400, "PARAM_ERROR", ErrorCode::kInvalid},
      {400, "INVALID_REQUEST", ErrorCode::kInvalid},
      {401, "SIGN_ERROR", ErrorCode::kUnauthorized},
      {403, "NO_AUTH", ErrorCode::kForbidden},
      {403, "NOT_ENOUGH", ErrorCode::kForbidden},
      {400, "", ErrorCode::kInvalid},
      {404, "", ErrorCode::kNotFound},
      {418, "TEAPOT", ErrorCode::kInternal},
  };
  for (const auto& c : cases) {
    const Error e = err(c.status, c.code);
    EXPECT_EQ(e.code, c.want) << c.status << " " << c.code;
    EXPECT_EQ(e.http_status, c.status);
    EXPECT_EQ(e.retryable(), c.want == ErrorCode::kUnavailable) << c.status << " " << c.code;
  }
  EXPECT_TRUE(is_retryable_status(429));
  EXPECT_TRUE(is_retryable_status(202));
  EXPECT_TRUE(is_retryable_status(500));
  EXPECT_FALSE(is_retryable_status(400));
  EXPECT_FALSE(is_retryable_status(200));
}

TEST(ApiError, CarriesCodeMessageAndRequestId) {
  const Error e = err(400, "PARAM_ERROR", "分账接收方与原请求不一致");
  EXPECT_EQ(e.reason, "PARAM_ERROR");
  EXPECT_EQ(e.message,
            "wechatpay create_order: HTTP 400 PARAM_ERROR: 分账接收方与原请求不一致 "
            "[Request-ID 08AB-REQ]");
  EXPECT_EQ(err(202, "").reason, kReasonAccepted);
}

TEST(ApiError, SettlingOrderIsRetryableLater) {
  const Error e = err(400, "INVALID_REQUEST", "订单处理中，请稍后重试");
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_EQ(e.reason, "INVALID_REQUEST");
}

TEST(ApiError, LenientWithGatewayBodiesAndKeepsRetryAfter) {
  Error e = api_error("query_order", 502, "<html>bad gateway</html>", "", "3");
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_EQ(e.reason, "");
  EXPECT_EQ(e.retry_after, std::chrono::seconds(3));
  e = api_error("x", 401,
                R"({"code":"SIGN_ERROR","message":"签名错误","detail":{"field":"signature",)"
                R"("sign_information":{"method":"POST","url":"/v3/profitsharing/orders"}}})",
                "r");
  EXPECT_NE(e.message.find("(field signature)"), std::string::npos);
  EXPECT_NE(e.message.find("POST /v3/profitsharing/orders"), std::string::npos);
}

TEST(Codec, DecodesOrderLenientlyAndEncodesSealedNames) {
  const std::string body = R"({"transaction_id":"4208","out_order_no":"P1","order_id":"3008",
    "state":"FINISHED","new_field":{"x":1},"receivers":[
    {"type":"MERCHANT_ID","account":"1900000109","amount":100,"description":"d","result":"CLOSED",
     "fail_reason":"SOMETHING_NEW","detail_id":"36011","create_time":"2026-11-21T10:00:00+08:00",
     "finish_time":"2026-11-21T10:01:00+08:00"},
    {"type":"PERSONAL_OPENID","account":"o-x","amount":1,"description":"","result":"MAYBE"}]})";
  auto order = decode_order(body);
  ASSERT_TRUE(order) << order.error().message;
  EXPECT_EQ(order->state, OrderState::kFinished);
  ASSERT_EQ(order->receivers.size(), 2u);
  EXPECT_EQ(order->receivers[0].result, ReceiverResult::kClosed);
  EXPECT_EQ(order->receivers[0].fail_reason, "SOMETHING_NEW");
  EXPECT_EQ(order->receivers[0].finish_time, SystemTime(std::chrono::seconds(1795226460)));
  EXPECT_EQ(order->receivers[1].result, ReceiverResult::kUnknown);
  EXPECT_EQ(order->receivers[1].result_text, "MAYBE");
  EXPECT_EQ(order->raw_json, body);
  EXPECT_FALSE(decode_order("[]"));
  EXPECT_FALSE(decode_order(R"({"state":"FINISHED"})"));

  CreateOrderRequest req{"", "4208", "P1", {{ReceiverType::kPersonalOpenid, "o-x", 10, "d"}}, true};
  req.receivers[0].sealed_name = SealedName{"Q0lQSEVS", "5157"};
  auto encoded = encode_create_order(req, "1900000109");
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded,
            R"({"out_order_no":"P1","receivers":[{"account":"o-x","amount":10,"description":"d",)"
            R"("name":"Q0lQSEVS","type":"PERSONAL_OPENID"}],"sub_mchid":"1900000109",)"
            R"("transaction_id":"4208","unfreeze_unsplit":true})");
  req.receivers[0].name = "plain";
  EXPECT_FALSE(encode_create_order(req, ""));
}

TEST(Endpoint, SplitsOriginAndPrefix) {
  auto e = parse_endpoint("https://api.mch.weixin.qq.com");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->origin, "https://api.mch.weixin.qq.com");
  EXPECT_EQ(e->path_prefix, "");
  e = parse_endpoint("http://127.0.0.1:8080/mock/");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->origin, "http://127.0.0.1:8080");
  EXPECT_EQ(e->path_prefix, "/mock");
  EXPECT_FALSE(parse_endpoint("ftp://x"));
  EXPECT_FALSE(parse_endpoint("https://user:pw@x"));
  EXPECT_FALSE(parse_endpoint("https://x/?a=b"));
  EXPECT_EQ(request_target_of("https://h:1/v3/billdownload/file?token=a%2Bb").value(),
            "/v3/billdownload/file?token=a%2Bb");
}

}  // namespace
}  // namespace orderops::wechatpay
