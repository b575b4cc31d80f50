// Sync's pure decisions: the polling backoff and what an order answer changes.
#include <gtest/gtest.h>

#include "profitshare/sync_plan.h"

namespace orderops::profitshare {
namespace {

using namespace std::chrono;

TEST(SyncBackoff, DoublesFromOneMinuteCappedAtOneHour) {
  EXPECT_EQ(sync_backoff(0), minutes(1));
  EXPECT_EQ(sync_backoff(1), minutes(2));
  EXPECT_EQ(sync_backoff(2), minutes(4));
  EXPECT_EQ(sync_backoff(5), minutes(32));
  EXPECT_EQ(sync_backoff(6), hours(1));
  EXPECT_EQ(sync_backoff(7), hours(1));
  EXPECT_EQ(sync_backoff(1000000), hours(1));
  EXPECT_EQ(sync_backoff(-3), minutes(1));
}

const SystemTime kNow = SystemTime(seconds(1'795'000'000));

wechatpay::OrderReceiver answer_receiver(std::string account, std::int64_t amount,
                                         wechatpay::ReceiverResult result,
                                         std::string fail_reason = {}) {
  wechatpay::OrderReceiver r;
  r.type = wechatpay::ReceiverType::kMerchantId;
  r.type_text = "MERCHANT_ID";
  r.account = std::move(account);
  r.amount = amount;
  r.result = result;
  r.result_text = std::string(wechatpay::to_string(result));
  r.fail_reason = std::move(fail_reason);
  r.detail_id = "3601" + r.account;
  r.finish_time = kNow - minutes(5);
  return r;
}

wechatpay::Order answer(wechatpay::OrderState state, std::vector<wechatpay::OrderReceiver> rs) {
  wechatpay::Order o;
  o.state = state;
  o.state_text = std::string(wechatpay::to_string(state));
  o.order_id = "3008000001";
  o.receivers = std::move(rs);
  return o;
}

TEST(SyncPlan, FinishedStoresResultsReasonsAndFinishTime) {
  const std::vector<StoredReceiver> stored = {{1, "MERCHANT_ID", "A", 100, "PENDING", "", ""},
                                              {2, "MERCHANT_ID", "B", 50, "PENDING", "", ""}};
  const auto a = answer(wechatpay::OrderState::kFinished,
                        {answer_receiver("B", 50, wechatpay::ReceiverResult::kClosed, "NO_AUTH"),
                         answer_receiver("A", 100, wechatpay::ReceiverResult::kSuccess)});
  const auto c = plan_sync_change("", stored, a, kNow);
  EXPECT_TRUE(c.finished());
  EXPECT_TRUE(c.order_id_learned);
  EXPECT_EQ(c.wechat_finished_at, kNow - minutes(5));
  ASSERT_EQ(c.receivers.size(), 2u);
  EXPECT_EQ(c.receivers[0].id, 2);
  EXPECT_EQ(c.receivers[0].result, "CLOSED");
  EXPECT_EQ(c.receivers[0].fail_reason, "NO_AUTH");
  EXPECT_EQ(c.receivers[0].from_result, "PENDING");
  EXPECT_EQ(c.receivers[1].id, 1);
  EXPECT_EQ(c.receivers[1].result, "SUCCESS");
  EXPECT_EQ(c.receivers[1].fail_reason, "");
  EXPECT_EQ(c.receivers[1].detail_id, "3601A");
}

TEST(SyncPlan, SameReceiverTwiceMatchesTwoRows) {
  const std::vector<StoredReceiver> stored = {{1, "MERCHANT_ID", "A", 100, "PENDING", "", ""},
                                              {2, "MERCHANT_ID", "A", 100, "PENDING", "", ""}};
  const auto a = answer(wechatpay::OrderState::kFinished,
                        {answer_receiver("A", 100, wechatpay::ReceiverResult::kSuccess),
                         answer_receiver("A", 100, wechatpay::ReceiverResult::kSuccess)});
  const auto c = plan_sync_change("x", stored, a, kNow);
  ASSERT_EQ(c.receivers.size(), 2u);
  EXPECT_NE(c.receivers[0].id, c.receivers[1].id);
}

TEST(SyncPlan, StillProcessingChangesNothing) {
  const std::vector<StoredReceiver> stored = {{1, "MERCHANT_ID", "A", 100, "PENDING", "", "3601A"}};
  auto a = answer(wechatpay::OrderState::kProcessing,
                  {answer_receiver("A", 100, wechatpay::ReceiverResult::kPending)});
  const auto c = plan_sync_change("3008000001", stored, a, kNow);
  EXPECT_EQ(c.state, "PROCESSING");
  EXPECT_FALSE(c.changes_anything());
  EXPECT_FALSE(c.wechat_finished_at);
}

TEST(SyncPlan, FinalResultsAreNeverOverwrittenByPending) {
  const std::vector<StoredReceiver> stored = {{1, "MERCHANT_ID", "A", 100, "SUCCESS", "", "d"}};
  const auto a = answer(wechatpay::OrderState::kProcessing,
                        {answer_receiver("A", 100, wechatpay::ReceiverResult::kPending)});
  auto r = a.receivers;
  r[0].detail_id = "d";
  auto b = a;
  b.receivers = r;
  EXPECT_TRUE(plan_sync_change("x", stored, b, kNow).receivers.empty());
}

TEST(SyncPlan, LegacyFailedBecomesClosed) {
  const std::vector<StoredReceiver> stored = {{1, "MERCHANT_ID", "A", 100, "FAILED", "", ""}};
  const auto a = answer(wechatpay::OrderState::kFinished,
                        {answer_receiver("A", 100, wechatpay::ReceiverResult::kClosed, "X")});
  const auto c = plan_sync_change("x", stored, a, kNow);
  ASSERT_EQ(c.receivers.size(), 1u);
  EXPECT_EQ(c.receivers[0].result, "CLOSED");
}

TEST(SyncPlan, UnmatchedAndUnknownAreIgnored) {
  const std::vector<StoredReceiver> stored = {{1, "MERCHANT_ID", "A", 100, "PENDING", "", ""}};
  auto a = answer(wechatpay::OrderState::kUnknown,
                  {answer_receiver("A", 99, wechatpay::ReceiverResult::kSuccess),  // amount differs
                   answer_receiver("Z", 100, wechatpay::ReceiverResult::kSuccess)});
  a.state_text = "REVERSED";
  const auto c = plan_sync_change("x", stored, a, kNow);
  EXPECT_EQ(c.state, "PROCESSING");
  EXPECT_EQ(c.unknown_state, "REVERSED");
  EXPECT_TRUE(c.receivers.empty());
}

TEST(SyncPlan, FinishedWithoutTimesUsesNow) {
  auto a = answer(wechatpay::OrderState::kFinished, {});
  const auto c = plan_sync_change("x", {}, a, kNow);
  EXPECT_EQ(c.wechat_finished_at, kNow);
  EXPECT_TRUE(c.changes_anything());
}

}  // namespace
}  // namespace orderops::profitshare
