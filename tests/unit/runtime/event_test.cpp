#include <gtest/gtest.h>

#include "runtime/event_correlator.h"
#include "runtime/event_recorder.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "support/fake_kube_api.h"

namespace orderops::runtime {
namespace {

using orderops::testing::ApiCall;
using std::chrono::seconds;

const ObjectReference kPolicy{
    "orderops.io/v1alpha1", "AftersalesTimeoutPolicy", "shop", "shop-aftersales", "uid-1", "7"};

class CorrelatorTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  EventCorrelator correlator_{clock_, {"orderops-manager", "host_1"}};
};

TEST_F(CorrelatorTest, FirstEventIsACompleteCoreV1Event) {
  const CorrelatedEvent e =
      correlator_.correlate(kPolicy, EventType::kWarning, "RunFailed", "database unavailable");
  EXPECT_FALSE(e.skip);
  EXPECT_FALSE(e.patch);
  const kube::Json& ev = e.event;
  const std::string name = ev["metadata"]["name"];
  EXPECT_EQ(name.rfind("shop-aftersales.", 0), 0u);
  EXPECT_EQ(name.substr(16), "18e91efd5bd38000");  // hex of the Unix nanos
  EXPECT_EQ(ev["metadata"]["namespace"], "shop");
  EXPECT_EQ(ev["involvedObject"]["kind"], "AftersalesTimeoutPolicy");
  EXPECT_EQ(ev["involvedObject"]["uid"], "uid-1");
  EXPECT_EQ(ev["type"], "Warning");
  EXPECT_EQ(ev["reason"], "RunFailed");
  EXPECT_EQ(ev["count"], 1);
  EXPECT_EQ(ev["source"]["component"], "orderops-manager");
  EXPECT_EQ(ev["reportingComponent"], "orderops-manager");
  EXPECT_EQ(ev["reportingInstance"], "host_1");
  EXPECT_EQ(ev["firstTimestamp"], ev["lastTimestamp"]);
}

TEST_F(CorrelatorTest, IdenticalRepeatsPatchCountAndLastTimestamp) {
  const auto first = correlator_.correlate(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  clock_.advance(seconds(30));
  const auto second = correlator_.correlate(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  ASSERT_TRUE(second.patch);
  EXPECT_EQ((*second.patch)["count"], 2);
  EXPECT_NE((*second.patch)["lastTimestamp"], first.event["lastTimestamp"]);
  EXPECT_EQ(second.event["metadata"]["name"], first.event["metadata"]["name"]);
  EXPECT_EQ(second.event["firstTimestamp"], first.event["firstTimestamp"]);
  const auto third = correlator_.correlate(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  EXPECT_EQ((*third.patch)["count"], 3);
}

TEST_F(CorrelatorTest, TenSimilarEventsWithin600sAreCombined) {
  for (int i = 1; i <= 9; ++i) {
    const auto e = correlator_.correlate(kPolicy, EventType::kWarning, "RunFailed",
                                         "failure " + std::to_string(i));
    EXPECT_FALSE(e.patch);
    EXPECT_EQ(e.event["message"], "failure " + std::to_string(i));
    clock_.advance(seconds(10));
  }
  const auto tenth = correlator_.correlate(kPolicy, EventType::kWarning, "RunFailed", "failure 10");
  EXPECT_EQ(tenth.event["message"], "(combined from similar events): failure 10");
  EXPECT_FALSE(tenth.patch);
  const auto eleventh =
      correlator_.correlate(kPolicy, EventType::kWarning, "RunFailed", "failure 11");
  ASSERT_TRUE(eleventh.patch);  // the combined event counts up
  EXPECT_EQ((*eleventh.patch)["count"], 2);
  EXPECT_EQ((*eleventh.patch)["message"], "(combined from similar events): failure 11");
  // After 600 s without a similar event, aggregation starts over.
  clock_.advance(seconds(601));
  const auto fresh = correlator_.correlate(kPolicy, EventType::kWarning, "RunFailed", "failure 12");
  EXPECT_EQ(fresh.event["message"], "failure 12");
}

TEST_F(CorrelatorTest, SpamFilterAllows25ThenOnePerFiveMinutes) {
  int passed = 0;
  for (int i = 0; i < 30; ++i) {
    if (!correlator_.correlate(kPolicy, EventType::kNormal, "RunStarted", "run").skip) ++passed;
  }
  EXPECT_EQ(passed, 25);
  clock_.advance(seconds(299));
  EXPECT_TRUE(correlator_.correlate(kPolicy, EventType::kNormal, "RunStarted", "run").skip);
  clock_.advance(seconds(1));
  EXPECT_FALSE(correlator_.correlate(kPolicy, EventType::kNormal, "RunStarted", "run").skip);
  // Another object has its own budget.
  ObjectReference other = kPolicy;
  other.name = "other";
  other.uid = "uid-2";
  EXPECT_FALSE(correlator_.correlate(other, EventType::kNormal, "RunStarted", "run").skip);
}

TEST(EventRecorderTest, CreatesThenPatchesAndRecreatesAfterNotFound) {
  auto sink = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock;
  testing::FakeKubeApi api;
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kDebug);
  kube::Client client(api, clock, log);
  EventRecorder recorder(client, clock, log, {{"orderops-manager", "host_1"}});
  std::string created_name;
  api.expect({.verb = kube::Verb::kPost,
              .path = "/api/v1/namespaces/shop/events",
              .status = 201,
              .body = "{}",
              .on_request = [&](const kube::HttpRequest& r) {
                const kube::Json body = kube::Json::parse(r.body);
                created_name = body["metadata"]["name"];
                EXPECT_EQ(body["count"], 1);
              }});
  recorder.event(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  recorder.flush({});
  api.expect({.verb = kube::Verb::kPatch,
              .path = "*",
              .body = "{}",
              .on_request = [&](const kube::HttpRequest& r) {
                EXPECT_EQ(r.path, "/api/v1/namespaces/shop/events/" + created_name);
                EXPECT_EQ(r.content_type, "application/merge-patch+json");
                EXPECT_EQ(kube::Json::parse(r.body)["count"], 2);
              }});
  recorder.event(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  recorder.flush({});
  api.expect({.verb = kube::Verb::kPatch,
              .path = "*",
              .status = 404,
              .body = R"({"kind":"Status","reason":"NotFound","code":404})"});
  api.expect({.verb = kube::Verb::kPost,
              .path = "/api/v1/namespaces/shop/events",
              .status = 201,
              .body = "{}",
              .on_request = [](const kube::HttpRequest& r) {
                EXPECT_EQ(kube::Json::parse(r.body)["count"], 3);
              }});
  recorder.event(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  recorder.flush({});
  EXPECT_EQ(api.remaining(), 0u);
  EXPECT_EQ(recorder.pending(), 0u);
}

TEST(EventRecorderTest, InvalidEventsAreNotRetried) {
  auto sink = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock;
  testing::FakeKubeApi api;
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kDebug);
  kube::Client client(api, clock, log);
  EventRecorder recorder(client, clock, log, {{"orderops-manager", "host_1"}});
  api.expect({.verb = kube::Verb::kPost,
              .path = "/api/v1/namespaces/shop/events",
              .status = 422,
              .body = R"({"kind":"Status","reason":"Invalid","code":422})"});
  recorder.event(kPolicy, EventType::kNormal, "RunStarted", "run 1");
  recorder.flush({});
  EXPECT_NE(sink->all().find("could not write event"), std::string::npos);
}

}  // namespace
}  // namespace orderops::runtime
