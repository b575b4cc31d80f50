// Client <-> mock over loopback TLS: every profit-sharing endpoint, idempotency and the order
// state machine.
#include <gtest/gtest.h>

#include <thread>

#include "fixture.h"
#include "wechatpay/api_error.h"

namespace orderops::wechatpay {
namespace {

TEST_F(MockTest, CertificatesAreDownloadedDecryptedAndVerified) {
  auto c = client();
  ASSERT_TRUE(c->refresh_certificates());
  EXPECT_EQ(c->platform_certificate_count(), 1u);
  EXPECT_EQ(attempts_->codes(), std::vector<std::string>{"certificates:200"});
}

TEST_F(MockTest, CreateQueryAndFinish) {
  seed_transaction("4200000001", 10000);
  auto c = client();
  CreateOrderRequest req{"wx0000000000000001", "4200000001", "SPLIT-1", {}, false};
  req.receivers.push_back({ReceiverType::kMerchantId, "1900000109", 1000, "分给商户"});
  req.receivers.push_back({ReceiverType::kPersonalOpenid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", 500,
                           "分给个人", std::string("张三")});
  auto created = c->create_order(req);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->state, OrderState::kProcessing);
  ASSERT_EQ(created->receivers.size(), 2u);
  EXPECT_EQ(created->receivers[1].result, ReceiverResult::kPending);
  EXPECT_FALSE(created->order_id.empty());

  auto queried = c->query_order("SPLIT-1", "4200000001");
  ASSERT_TRUE(queried) << queried.error().message;
  EXPECT_EQ(queried->state, OrderState::kFinished);
  EXPECT_EQ(queried->order_id, created->order_id);
  for (const auto& r : queried->receivers) {
    EXPECT_EQ(r.result, ReceiverResult::kSuccess);
    EXPECT_TRUE(r.finish_time.has_value());
    EXPECT_FALSE(r.detail_id.empty());
  }
  auto amount = c->unsplit_amount("4200000001");
  ASSERT_TRUE(amount) << amount.error().message;
  EXPECT_EQ(amount->unsplit_amount, 8500);
  EXPECT_EQ(mock().admin_or_throw("GET", "/admin/ledger").size(), 2u);
}

TEST_F(MockTest, EscapedOutOrderNoIsSignedAsSent) {
  seed_transaction("4200000002", 1000);
  auto c = client();
  const std::string no = "R|2026*11@x-y_z";
  ASSERT_TRUE(c->create_order(split("4200000002", no)));
  auto q = c->query_order(no, "4200000002");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->out_order_no, no);
  bool seen = false;
  for (const auto& r : requests()) {
    seen |= r["target"] == "/v3/profitsharing/orders/R%7C2026%2A11@x-y_z?transaction_id=4200000002";
  }
  EXPECT_TRUE(seen) << requests().dump();
}

TEST_F(MockTest, SameNumberSameContentIsTheSameOrderNeverASecondDebit) {
  seed_transaction("4200000003", 10000);
  auto c = client();
  CreateOrderRequest req = split("4200000003", "SPLIT-3", 700);
  req.receivers[0].type = ReceiverType::kPersonalOpenid;
  req.receivers[0].account = "o-person";
  req.receivers[0].name = "李四";  // re-encrypted each call: different bytes, same content
  auto first = c->create_order(req);
  auto second = c->create_order(req);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->order_id, second->order_id);
  EXPECT_EQ(unsplit("4200000003"), 9300);
  EXPECT_EQ(orders().size(), 1u);

  req.receivers[0].amount = 701;
  auto changed = c->create_order(req);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(changed.error().reason, kCodeParamError);
  EXPECT_NE(changed.error().message.find("与原请求不一致"), std::string::npos);
  EXPECT_EQ(unsplit("4200000003"), 9300);
}

TEST_F(MockTest, ClosedReceiverCarriesItsReasonAndMoneyReturns) {
  seed_transaction("4200000004", 5000);
  mock().admin_or_throw("POST", "/admin/config", {{"processing_delay_seconds", 60}});
  mock().admin_or_throw(
      "POST", "/admin/outcomes",
      {{"account", "o-blocked"}, {"result", "CLOSED"}, {"fail_reason", "NO_RELATION"}});
  auto c = client();
  CreateOrderRequest req = split("4200000004", "SPLIT-4", 300);
  req.receivers.push_back({ReceiverType::kPersonalOpenid, "o-blocked", 200, "个人"});
  ASSERT_TRUE(c->create_order(req));
  EXPECT_EQ(unsplit("4200000004"), 4500);
  EXPECT_EQ(c->query_order("SPLIT-4", "4200000004")->state, OrderState::kProcessing);
  mock().admin_or_throw("POST", "/admin/time", {{"advance_seconds", 60}});
  auto q = c->query_order("SPLIT-4", "4200000004");
  mock().admin_or_throw("POST", "/admin/time", {{"advance_seconds", -60}});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->state, OrderState::kFinished);
  EXPECT_EQ(q->receivers[0].result, ReceiverResult::kSuccess);
  EXPECT_EQ(q->receivers[1].result, ReceiverResult::kClosed);
  EXPECT_EQ(q->receivers[1].fail_reason, "NO_RELATION");
  EXPECT_EQ(unsplit("4200000004"), 4700);
  // Only the successful receiver was paid.
  const auto ledger = mock().admin_or_throw("GET", "/admin/ledger");
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0]["account"], "1900000109");
}

TEST_F(MockTest, HeldOrderStaysProcessingUntilReleased) {
  seed_transaction("4200000005", 5000);
  auto c = client();
  ASSERT_TRUE(c->create_order(split("4200000005", "SPLIT-5")));
  mock().admin_or_throw("POST", "/admin/outcomes", {{"out_order_no", "SPLIT-5"}, {"hold", true}});
  EXPECT_EQ(c->query_order("SPLIT-5", "4200000005")->state, OrderState::kProcessing);
  mock().admin_or_throw("POST", "/admin/outcomes", {{"out_order_no", "SPLIT-5"}, {"hold", false}});
  EXPECT_EQ(c->query_order("SPLIT-5", "4200000005")->state, OrderState::kFinished);
}

TEST_F(MockTest, UnfreezeReleasesTheRestOnce) {
  seed_transaction("4200000006", 5000);
  auto c = client();
  ASSERT_TRUE(c->create_order(split("4200000006", "SPLIT-6", 1000)));
  ASSERT_TRUE(c->query_order("SPLIT-6", "4200000006"));

  auto reused = c->unfreeze({"4200000006", "SPLIT-6", "解冻全部剩余资金"});
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().reason, kCodeParamError);

  auto u = c->unfreeze({"4200000006", "UNFREEZE-6", "解冻全部剩余资金"});
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->state, OrderState::kProcessing);
  EXPECT_EQ(u->receivers.at(0).amount, 4000);
  EXPECT_EQ(c->query_order("UNFREEZE-6", "4200000006")->state, OrderState::kFinished);
  EXPECT_EQ(c->unsplit_amount("4200000006")->unsplit_amount, 0);
  // Replaying the same unfreeze is the same order; a new number finds nothing left.
  EXPECT_EQ(c->unfreeze({"4200000006", "UNFREEZE-6", "解冻全部剩余资金"})->order_id, u->order_id);
  auto again = c->unfreeze({"4200000006", "UNFREEZE-6b", "解冻全部剩余资金"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(again.error().reason, kCodeNotEnough);
  auto late = c->create_order(split("4200000006", "SPLIT-6b"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().reason, kCodeNotEnough);
}

TEST_F(MockTest, BusinessRulesGiveTypedErrors) {
  auto c = client();
  auto missing = c->query_order("NOPE", "4200000000");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().reason, kCodeNotFound);
  EXPECT_NE(missing.error().message.find("Request-ID"), std::string::npos);

  seed_transaction("4200000007", 1000, {{"settled", false}});
  auto settling = c->create_order(split("4200000007", "SPLIT-7"));
  ASSERT_FALSE(settling);
  EXPECT_EQ(settling.error().code, ErrorCode::kUnavailable);  // try again later
  EXPECT_EQ(settling.error().reason, kCodeInvalidRequest);
  EXPECT_EQ(count_requests("POST", "/v3/profitsharing/orders"), 1);  // not retried at once

  seed_transaction("4200000008", 1000, {{"max_ratio", 3000}});
  auto ratio = c->create_order(split("4200000008", "SPLIT-8", 301));
  ASSERT_FALSE(ratio);
  EXPECT_EQ(ratio.error().code, ErrorCode::kInvalid);
  EXPECT_NE(ratio.error().message.find("最大分账比例"), std::string::npos);

  seed_transaction("4200000009", 1000);
  auto too_much = c->create_order(split("4200000009", "SPLIT-9", 1001));
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(too_much.error().reason, kCodeNotEnough);

  seed_transaction("4200000010", 1000, {{"profit_sharing", false}});
  auto plain = c->unsplit_amount("4200000010");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().reason, kCodeInvalidRequest);
}

TEST_F(MockTest, PublicKeyModeNeedsNoCertificates) {
  seed_transaction("4200000011", 1000);
  auto c = client(true);
  CreateOrderRequest req = split("4200000011", "SPLIT-11");
  req.receivers[0].type = ReceiverType::kPersonalOpenid;
  req.receivers[0].account = "o-pk";
  req.receivers[0].name = "王五";
  auto created = c->create_order(req);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(c->query_order("SPLIT-11", "4200000011"));
  EXPECT_EQ(count_requests("GET", "/v3/certificates"), 0);
  const std::string id = mock().read_state_file("wechatpay_public_key_id");
  for (const auto& r : requests()) EXPECT_EQ(r["wechatpay_serial"], id);
}

TEST_F(MockTest, ServiceProviderModeSendsSubMchidEverywhere) {
  seed_transaction("4200000013", 2000, {{"sub_mchid", "1900000109"}});
  ClientOptions options = fast_options();
  auto creds = mock().credentials();
  creds.sub_mchid = "1900000109";
  Logger log(sink_, clock_, LogFormat::kJson, LogLevel::kDebug);
  auto partner = Client::connect(creds, options, clock_, log);
  ASSERT_TRUE(partner);
  auto& c = **partner;
  ASSERT_TRUE(c.create_order(split("4200000013", "SP-1", 100)));
  auto q = c.query_order("SP-1", "4200000013");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->state, OrderState::kFinished);
  ASSERT_TRUE(c.unfreeze({"4200000013", "SP-U1", "解冻全部剩余资金"}));
  bool query_has_sub = false;
  for (const auto& r : requests()) {
    query_has_sub |= r["target"] ==
                     "/v3/profitsharing/orders/SP-1?transaction_id=4200000013&sub_mchid=1900000109";
  }
  EXPECT_TRUE(query_has_sub);
  // The same payment split without sub_mchid: the modes do not match.
  auto direct = client()->create_order(split("4200000013", "SP-2", 100));
  ASSERT_FALSE(direct);
  EXPECT_NE(direct.error().message.find("交易模式"), std::string::npos);
}

TEST_F(MockTest, SharedLimiterAcrossThreads) {
  seed_transaction("4200000012", 1000);
  auto limiter = std::make_shared<MerchantLimiter>(clock_, 200.0, 2);
  auto c = client(false, fast_options(), {limiter});
  ASSERT_TRUE(c->create_order(split("4200000012", "SPLIT-12")));
  std::vector<std::jthread> threads;
  std::atomic<int> ok = 0;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 3; ++k) ok += c->query_order("SPLIT-12", "4200000012").has_value();
    });
  }
  threads.clear();
  EXPECT_EQ(ok, 12);
  EXPECT_EQ(limiter->in_flight(), 0);
}

}  // namespace
}  // namespace orderops::wechatpay
