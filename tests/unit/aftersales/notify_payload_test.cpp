// pg_notify payloads: complete counts, ids while they fit under PostgreSQL's 8000-byte limit.
#include "aftersales/notify_payload.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace orderops::aftersales {
namespace {

const AuditInfo kAudit{"shop-aftersales-29353080", "shop", "shop-aftersales"};

TEST(NotifyPayloadTest, ListsChangesPerTransition) {
  const std::vector<AppliedChange> changes = {{1, TimedState::kPendingApproval},
                                              {2, TimedState::kPendingReceive},
                                              {3, TimedState::kPendingApproval}};
  const auto doc = nlohmann::json::parse(notify_payload(kAudit, "order_aftersales", changes));
  EXPECT_EQ(doc["runID"], "shop-aftersales-29353080");
  EXPECT_EQ(doc["policy"]["namespace"], "shop");
  EXPECT_EQ(doc["table"], "order_aftersales");
  EXPECT_EQ(doc["count"], 3);
  EXPECT_EQ(doc["truncated"], false);
  ASSERT_EQ(doc["changes"].size(), 2u);
  EXPECT_EQ(doc["changes"][0]["from"], "pending_approval");
  EXPECT_EQ(doc["changes"][0]["to"], "approved");
  EXPECT_EQ(doc["changes"][0]["ids"], (nlohmann::json{1, 3}));
  EXPECT_EQ(doc["changes"][1]["to"], "pending_refund");
  EXPECT_EQ(doc["changes"][1]["count"], 1);
}

TEST(NotifyPayloadTest, LargeBatchesStayUnderTheLimit) {
  std::vector<AppliedChange> changes;
  for (std::int64_t i = 0; i < 10000; ++i) {
    changes.push_back({1890000000000000000 + i, static_cast<TimedState>(i % 3)});
  }
  const auto payload = notify_payload(kAudit, "order_aftersales", changes);
  EXPECT_LT(payload.size(), 8000u);
  const auto doc = nlohmann::json::parse(payload);
  EXPECT_EQ(doc["count"], 10000);
  EXPECT_EQ(doc["truncated"], true);
  std::size_t listed = 0;
  for (const auto& g : doc["changes"]) {
    listed += g["ids"].size();
    EXPECT_GT(g["count"].get<int>(), 3000);
  }
  EXPECT_GT(listed, 100u);
}

TEST(NotifyPayloadTest, AuditContextCarriesRunAndPolicy) {
  const auto doc = nlohmann::json::parse(audit_context(kAudit));
  EXPECT_EQ(doc["runID"], "shop-aftersales-29353080");
  EXPECT_EQ(doc["policy"]["name"], "shop-aftersales");
  EXPECT_EQ(doc["job"], "aftersales-timeout");
}

TEST(NotifyPayloadTest, InvalidUtf8DoesNotThrow) {
  const AuditInfo odd{"run-\xff", "ns", "name"};
  EXPECT_NO_THROW(nlohmann::json::parse(audit_context(odd)));
}

}  // namespace
}  // namespace orderops::aftersales
