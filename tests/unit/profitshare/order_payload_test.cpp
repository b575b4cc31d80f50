// request_payload round trips exactly, so a resend after a crash is the same request.
#include <gtest/gtest.h>

#include "profitshare/order_payload.h"

namespace orderops::profitshare {
namespace {

wechatpay::CreateOrderRequest sample() {
  wechatpay::CreateOrderRequest r;
  r.appid = "wx8888888888888888";
  r.transaction_id = "4208450740201411110007820472";
  r.out_order_no = "P20261121001-R42-1";
  r.receivers.push_back({wechatpay::ReceiverType::kPersonalOpenid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                         888, "分给用户", std::nullopt, std::nullopt});
  return r;
}

TEST(OrderPayload, CreateRoundTrips) {
  const auto r = sample();
  auto text = encode_create_payload(r);
  ASSERT_TRUE(text) << text.error().message;
  auto back = decode_create_payload(*text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->appid, r.appid);
  EXPECT_EQ(back->transaction_id, r.transaction_id);
  EXPECT_EQ(back->out_order_no, r.out_order_no);
  EXPECT_EQ(back->unfreeze_unsplit, false);
  ASSERT_EQ(back->receivers.size(), 1u);
  EXPECT_EQ(back->receivers[0].type, wechatpay::ReceiverType::kPersonalOpenid);
  EXPECT_EQ(back->receivers[0].account, r.receivers[0].account);
  EXPECT_EQ(back->receivers[0].amount, 888);
  EXPECT_EQ(back->receivers[0].description, "分给用户");
  EXPECT_FALSE(back->receivers[0].name);
  EXPECT_EQ(encode_create_payload(*back).value(), *text);  // stable text
}

TEST(OrderPayload, NamesAreNeverStored) {
  auto r = sample();
  r.receivers[0].name = "张三";
  EXPECT_FALSE(encode_create_payload(r));
  r.receivers[0].name.reset();
  r.receivers[0].sealed_name = wechatpay::SealedName{"c2VjcmV0", "5157F0"};
  EXPECT_FALSE(encode_create_payload(r));
}

TEST(OrderPayload, UnfreezeRoundTrips) {
  const wechatpay::UnfreezeRequest r{"4208450740201411110007820472", "P1-U1", "解冻剩余未分资金"};
  auto back = decode_unfreeze_payload(encode_unfreeze_payload(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->transaction_id, r.transaction_id);
  EXPECT_EQ(back->out_order_no, r.out_order_no);
  EXPECT_EQ(back->description, r.description);
}

TEST(OrderPayload, MalformedPayloadsAreErrors) {
  for (const char* bad : {"", "[]", "{\"transaction_id\":1}", "{\"out_order_no\":\"x\"}",
                          R"({"transaction_id":"t","out_order_no":"o","unfreeze_unsplit":false,
                              "receivers":[{"type":"ALIEN","account":"a","amount":1,
                              "description":""}]})"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(decode_create_payload(bad));
  }
  EXPECT_FALSE(decode_unfreeze_payload("{}"));
}

}  // namespace
}  // namespace orderops::profitshare
