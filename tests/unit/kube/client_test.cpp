#include "kube/client.h"

#include <gtest/gtest.h>

#include <future>

#include "kube/api_error.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "support/fake_kube_api.h"

namespace orderops::kube {
namespace {

using orderops::testing::ApiCall;

const ResourceType kWidgets{"example.io", "v1", "widgets", "Widget", true};

class ClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock_;
  testing::FakeKubeApi api_;
  Logger log_{sink_, clock_, LogFormat::kJson, LogLevel::kDebug};
  Client client_{api_, clock_, log_};
};

TEST_F(ClientTest, PathsForCoreAndGroupResources) {
  EXPECT_EQ(collection_path(kWidgets, "ns"), "/apis/example.io/v1/namespaces/ns/widgets");
  EXPECT_EQ(collection_path(kWidgets, ""), "/apis/example.io/v1/widgets");
  EXPECT_EQ(object_path(secret_resource(), "ns", "s", ""), "/api/v1/namespaces/ns/secrets/s");
  EXPECT_EQ(object_path(kWidgets, "ns", "w", "status"),
            "/apis/example.io/v1/namespaces/ns/widgets/w/status");
  EXPECT_EQ(kWidgets.api_version(), "example.io/v1");
  EXPECT_EQ(lease_resource().api_version(), "coordination.k8s.io/v1");
}

TEST_F(ClientTest, ListSendsPagingParametersAndReadsMetadata) {
  api_.expect({.path = "/apis/example.io/v1/namespaces/ns/widgets",
               .query = {{"resourceVersion", "0"}, {"limit", "500"}},
               .body = R"({"kind":"WidgetList","metadata":{"resourceVersion":"12","continue":"c1"},
                          "items":[{"metadata":{"name":"a"}}]})"});
  api_.expect({.path = "/apis/example.io/v1/namespaces/ns/widgets",
               .query = {{"continue", "c1"}, {"limit", "500"}},
               .body = R"({"metadata":{"resourceVersion":"12"},"items":[]})"});
  auto first = client_.list(kWidgets, "ns", {.resource_version = "0", .limit = 500});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->resource_version, "12");
  EXPECT_EQ(first->continue_token, "c1");
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(name_of(first->items[0]), "a");
  // The continue token replaces resourceVersion, which the API refuses alongside it.
  auto second =
      client_.list(kWidgets, "ns", {.resource_version = "0", .limit = 500, .continue_token = "c1"});
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->continue_token.empty());
}

TEST_F(ClientTest, WatchStreamsEventsAndDecodesTypes) {
  api_.expect(
      {.path = "/apis/example.io/v1/widgets",
       .query = {{"watch", "true"},
                 {"resourceVersion", "7"},
                 {"allowWatchBookmarks", "true"},
                 {"timeoutSeconds", "300"}},
       .lines = {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"8"}}})", "",
                 R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})",
                 R"({"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"10"}}})"},
       .on_request = [](const HttpRequest& r) {
         // The stream may live for timeoutSeconds plus a grace, no longer.
         EXPECT_EQ(r.timeout, std::chrono::seconds(330));
       }});
  auto stream = client_.watch(kWidgets, "", {.resource_version = "7", .timeout_seconds = 300}, {});
  ASSERT_TRUE(stream);
  std::vector<std::pair<WatchEventType, std::string>> got;
  while (true) {
    auto e = stream->next();
    ASSERT_TRUE(e);
    if (!*e) break;
    got.emplace_back((*e)->type, resource_version_of((*e)->object));
  }
  const std::vector<std::pair<WatchEventType, std::string>> want = {
      {WatchEventType::kAdded, "8"},
      {WatchEventType::kBookmark, "9"},
      {WatchEventType::kDeleted, "10"}};
  EXPECT_EQ(got, want);
}

TEST_F(ClientTest, WatchRejectsGarbageLines) {
  api_.expect({.path = "/apis/example.io/v1/widgets",
               .query = {{"watch", "true"}, {"allowWatchBookmarks", "true"}},
               .lines = {"not json", R"({"type":"SURPRISE","object":{}})"}});
  auto stream = client_.watch(kWidgets, "", {}, {});
  ASSERT_TRUE(stream);
  auto first = stream->next();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kInvalid);
  EXPECT_FALSE(stream->next());
}

TEST_F(ClientTest, WatchErrorStatusIsDecoded) {
  api_.expect({.path = "/apis/example.io/v1/widgets",
               .query = {{"watch", "true"}, {"allowWatchBookmarks", "true"}},
               .status = 410,
               .body = R"({"kind":"Status","reason":"Expired","message":"too old","code":410})"});
  auto stream = client_.watch(kWidgets, "", {}, {});
  ASSERT_FALSE(stream);
  EXPECT_TRUE(is_expired(stream.error()));
}

TEST_F(ClientTest, WritesUseVerbsPathsAndContentTypes) {
  const Json object = {{"metadata", {{"name", "w"}, {"namespace", "ns"}, {"resourceVersion", "5"}}},
                       {"status", {{"x", 1}}}};
  api_.expect(
      {.verb = Verb::kPost,
       .path = "/apis/example.io/v1/namespaces/ns/widgets",
       .query = {{"fieldManager", "orderops"}},
       .status = 201,
       .body = object.dump(),
       .on_request = [](const HttpRequest& r) { EXPECT_EQ(r.content_type, "application/json"); }});
  api_.expect({.verb = Verb::kPut,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w",
               .body = object.dump(),
               .on_request = [](const HttpRequest& r) {
                 EXPECT_EQ(Json::parse(r.body)["metadata"]["resourceVersion"], "5");
               }});
  api_.expect({.verb = Verb::kPut,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w/status",
               .body = object.dump()});
  api_.expect({.verb = Verb::kPatch,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w/status",
               .body = object.dump(),
               .on_request = [](const HttpRequest& r) {
                 EXPECT_EQ(r.content_type, "application/merge-patch+json");
               }});
  api_.expect({.verb = Verb::kPatch,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w",
               .query = {{"fieldManager", "orderops"}, {"force", "true"}},
               .body = object.dump(),
               .on_request = [](const HttpRequest& r) {
                 EXPECT_EQ(r.content_type, "application/apply-patch+yaml");
               }});
  api_.expect({.verb = Verb::kPatch,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w",
               .body = object.dump(),
               .on_request = [](const HttpRequest& r) {
                 EXPECT_EQ(r.content_type, "application/json-patch+json");
               }});
  api_.expect({.verb = Verb::kDelete,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w",
               .body = R"({"kind":"Status","status":"Success"})",
               .on_request = [](const HttpRequest& r) {
                 const Json body = Json::parse(r.body);
                 EXPECT_EQ(body["preconditions"]["resourceVersion"], "5");
                 EXPECT_EQ(body["propagationPolicy"], "Background");
               }});
  EXPECT_TRUE(client_.create(kWidgets, "", object, {.field_manager = "orderops"}));
  EXPECT_TRUE(client_.update(kWidgets, object));
  EXPECT_TRUE(client_.update_status(kWidgets, object));
  EXPECT_TRUE(client_.patch(kWidgets, "ns", "w", PatchType::kMerge, {{"status", {{"x", 2}}}},
                            {.subresource = "status"}));
  EXPECT_TRUE(client_.patch(kWidgets, "ns", "w", PatchType::kApply, object,
                            {.field_manager = "orderops", .force = true}));
  EXPECT_FALSE(client_.patch(kWidgets, "ns", "w", PatchType::kApply, object, {}));
  EXPECT_TRUE(client_.patch(kWidgets, "ns", "w", PatchType::kJson,
                            Json::array({{{"op", "test"}, {"path", "/a"}, {"value", 1}}})));
  EXPECT_TRUE(
      client_.remove(kWidgets, "ns", "w",
                     {.precondition_resource_version = "5", .propagation_policy = "Background"}));
  EXPECT_EQ(api_.remaining(), 0u);
}

TEST_F(ClientTest, ConflictComesBackTyped) {
  api_.expect({.verb = Verb::kPut,
               .path = "/apis/example.io/v1/namespaces/ns/widgets/w/status",
               .status = 409,
               .body = R"({"kind":"Status","reason":"Conflict","message":"modified","code":409})"});
  auto r = client_.update_status(kWidgets, {{"metadata", {{"name", "w"}, {"namespace", "ns"}}}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_conflict(r.error()));
}

TEST_F(ClientTest, RetriesAfterRetryAfterOn429) {
  api_.expect({.path = "/api/v1/namespaces/ns/secrets/s",
               .status = 429,
               .body = R"({"kind":"Status","reason":"TooManyRequests","code":429})",
               .retry_after = "2"});
  api_.expect({.path = "/api/v1/namespaces/ns/secrets/s", .body = R"({"metadata":{"name":"s"}})"});
  auto pending =
      std::async(std::launch::async, [&] { return client_.get(secret_resource(), "ns", "s"); });
  clock_.await_sleepers(1);
  EXPECT_EQ(api_.remaining(), 1u);
  clock_.advance(std::chrono::seconds(2));
  auto r = pending.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(name_of(*r), "s");
}

TEST_F(ClientTest, NoRetryWithoutRetryAfterOrPastTheBudget) {
  api_.expect({.path = "/api/v1/namespaces/ns/secrets/s",
               .status = 500,
               .body = R"({"kind":"Status","reason":"InternalError","code":500})"});
  auto r = client_.get(secret_resource(), "ns", "s");
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_internal_error(r.error()));
  // A 60 s Retry-After does not fit a 5 s request budget: fail at once.
  api_.expect({.path = "/api/v1/namespaces/ns/secrets/s",
               .status = 429,
               .body = R"({"kind":"Status","reason":"TooManyRequests","code":429})",
               .retry_after = "60"});
  auto limited = client_.get(secret_resource(), "ns", "s", {std::chrono::seconds(5)});
  ASSERT_FALSE(limited);
  EXPECT_TRUE(is_too_many_requests(limited.error()));
}

TEST_F(ClientTest, WarningHeadersAreLogged) {
  api_.expect({.path = "/api/v1/namespaces/ns/secrets/s",
               .body = "{}",
               .warnings = {R"(299 - "unknown field \"spec.foo\"")"}});
  ASSERT_TRUE(client_.get(secret_resource(), "ns", "s"));
  EXPECT_NE(sink_->all().find("api server warning"), std::string::npos);
  EXPECT_NE(sink_->all().find("spec.foo"), std::string::npos);
}

}  // namespace
}  // namespace orderops::kube
