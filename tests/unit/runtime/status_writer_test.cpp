#include "runtime/status_writer.h"

#include <gtest/gtest.h>

#include <future>

#include "kube/api_error.h"
#include "reconcile/placeholder_reconciler.h"
#include "runtime/store.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "support/fake_kube_api.h"
#include "unit/runtime/watch_fixtures.h"

namespace orderops::runtime {
namespace {

using namespace testdata;
using orderops::testing::ApiCall;

const std::string kStatusPath = kWidgetsPath + "/a/status";
const std::string kObjectPath = kWidgetsPath + "/a";

class StatusWriterTest : public ::testing::Test {
 protected:
  // The status the test wants: a counter one above what the latest object has.
  static std::optional<kube::Json> bump(const kube::Json& latest) {
    const int n = latest.contains("status") ? latest["status"].value("n", 0) : 0;
    return kube::Json{{"n", n + 1}};
  }
  std::string conflict() { return status_body(409, "Conflict", "the object has been modified"); }

  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock_;
  testing::FakeKubeApi api_;
  Logger log_{sink_, clock_, LogFormat::kJson, LogLevel::kDebug};
  kube::Client client_{api_, clock_, log_};
  StatusWriter writer_{client_, clock_, log_, {}};
};

TEST_F(StatusWriterTest, WritesThroughStatusWithTheResourceVersion) {
  api_.expect({.verb = kube::Verb::kPut,
               .path = kStatusPath,
               .query = {{"fieldManager", "orderops"}},
               .body = widget("a", "6").dump(),
               .on_request = [](const kube::HttpRequest& r) {
                 const kube::Json body = kube::Json::parse(r.body);
                 EXPECT_EQ(body["metadata"]["resourceVersion"], "5");
                 EXPECT_EQ(body["status"]["n"], 1);
               }});
  auto r = writer_.write(kWidgets, widget("a", "5"), bump);
  ASSERT_TRUE(r);
  EXPECT_EQ(kube::resource_version_of(*r), "6");
}

TEST_F(StatusWriterTest, ConflictReReadsRecomputesAndRetriesAfterABackoff) {
  kube::Json fresh = widget("a", "9");
  fresh["status"] = {{"n", 41}};
  api_.expect({.verb = kube::Verb::kPut,
               .path = kStatusPath,
               .query = {{"fieldManager", "orderops"}},
               .status = 409,
               .body = conflict()});
  api_.expect({.path = kObjectPath, .body = fresh.dump()});
  api_.expect({.verb = kube::Verb::kPut,
               .path = kStatusPath,
               .query = {{"fieldManager", "orderops"}},
               .body = fresh.dump(),
               .on_request = [](const kube::HttpRequest& r) {
                 const kube::Json body = kube::Json::parse(r.body);
                 EXPECT_EQ(body["metadata"]["resourceVersion"], "9");  // the re-read copy
                 EXPECT_EQ(body["status"]["n"], 42);                   // recomputed from it
               }});
  auto pending = std::async(std::launch::async,
                            [&] { return writer_.write(kWidgets, widget("a", "5"), bump); });
  clock_.await_sleepers(1);  // backing off before the re-read: no tight loop
  EXPECT_EQ(api_.remaining(), 2u);
  clock_.advance(std::chrono::milliseconds(100));
  ASSERT_TRUE(pending.get());
  EXPECT_EQ(api_.requests().size(), 3u);
}

TEST_F(StatusWriterTest, NothingToWriteAfterTheReReadStops) {
  kube::Json fresh = widget("a", "9");
  fresh["status"] = {{"n", 1}};
  api_.expect({.verb = kube::Verb::kPut,
               .path = kStatusPath,
               .query = {{"fieldManager", "orderops"}},
               .status = 409,
               .body = conflict()});
  api_.expect({.path = kObjectPath, .body = fresh.dump()});
  auto pending = std::async(std::launch::async, [&] {
    return writer_.write(kWidgets, widget("a", "5"), [](const kube::Json& latest) {
      return latest.contains("status") ? std::nullopt : std::optional(kube::Json{{"n", 1}});
    });
  });
  clock_.await_sleepers(1);
  clock_.advance(std::chrono::milliseconds(100));
  auto r = pending.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(kube::resource_version_of(*r), "9");
}

TEST_F(StatusWriterTest, GivesUpAfterMaxAttemptsWithGrowingWaits) {
  std::vector<std::promise<void>> puts(5);
  for (int i = 0; i < 5; ++i) {
    api_.expect({.verb = kube::Verb::kPut,
                 .path = kStatusPath,
                 .query = {{"fieldManager", "orderops"}},
                 .status = 409,
                 .body = conflict(),
                 .on_request = [&puts, i](const kube::HttpRequest&) { puts[i].set_value(); }});
    if (i < 4)
      api_.expect({.path = kObjectPath, .body = widget("a", std::to_string(10 + i)).dump()});
  }
  auto pending = std::async(std::launch::async,
                            [&] { return writer_.write(kWidgets, widget("a", "5"), bump); });
  for (int i = 0; i < 4; ++i) {
    puts[i].get_future().wait();  // the i-th write conflicted; the writer now backs off
    clock_.await_sleepers(1);
    // Each wait is at least the base of its step (50, 100, 200, 400 ms): nothing is sent before.
    const Duration base = std::chrono::milliseconds(50 << i);
    clock_.advance(base - std::chrono::milliseconds(1));
    EXPECT_EQ(api_.requests().size(), static_cast<size_t>(1 + 2 * i));
    clock_.advance(base);
  }
  auto r = pending.get();
  ASSERT_FALSE(r);
  EXPECT_TRUE(kube::is_conflict(r.error()));
  EXPECT_EQ(api_.requests().size(), 9u);  // 5 writes and 4 re-reads, bounded
}

TEST_F(StatusWriterTest, WriteOnceReturnsTheConflict) {
  api_.expect({.verb = kube::Verb::kPut,
               .path = kStatusPath,
               .query = {{"fieldManager", "orderops"}},
               .status = 409,
               .body = conflict()});
  auto r = writer_.write_once(kWidgets, widget("a", "5"), {{"lastScheduleTime", "x"}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(kube::is_conflict(r.error()));
  EXPECT_EQ(api_.remaining(), 0u);
}

TEST(PlaceholderReconcilerTest, WritesObservedGenerationAndReadyOnlyWhenItChanges) {
  const SystemTime now = SystemTime(std::chrono::seconds(1'800'000'000));
  kube::Json object = widget("a", "5", 3);
  auto status = reconcile::PlaceholderReconciler::desired_status(object, now);
  ASSERT_TRUE(status);
  EXPECT_EQ((*status)["observedGeneration"], 3);
  const kube::Json& ready = (*status)["conditions"][0];
  EXPECT_EQ(ready["type"], "Ready");
  EXPECT_EQ(ready["status"], "Unknown");
  EXPECT_EQ(ready["observedGeneration"], 3);
  EXPECT_EQ(ready["reason"], "ReconcilerPending");
  object["status"] = *status;
  EXPECT_FALSE(
      reconcile::PlaceholderReconciler::desired_status(object, now + std::chrono::hours(1)));
  object["metadata"]["generation"] = 4;  // a spec change
  auto next = reconcile::PlaceholderReconciler::desired_status(object, now + std::chrono::hours(1));
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["observedGeneration"], 4);
  EXPECT_EQ((*next)["conditions"][0]["lastTransitionTime"], ready["lastTransitionTime"]);
}

TEST(PlaceholderReconcilerTest, ReconcileReadsTheCacheAndWritesStatus) {
  auto sink = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock;
  testing::FakeKubeApi api;
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kDebug);
  kube::Client client(api, clock, log);
  StatusWriter writer(client, clock, log, {});
  Store cache;
  StoreWriter(cache).apply(std::make_shared<const kube::Json>(widget("a", "5", 2)));
  std::vector<std::string> conditions;
  reconcile::PlaceholderHooks hooks;
  hooks.condition_set = [&](const kube::ObjectKey& key, const kube::Condition& c) {
    conditions.push_back(key.to_string() + " " + c.type + "=" + c.status);
  };
  hooks.resource_gone = [&](const kube::ObjectKey& key) {
    conditions.push_back("gone " + key.to_string());
  };
  reconcile::PlaceholderReconciler reconciler(kWidgets, cache, writer, clock, log, hooks);
  kube::Json written = widget("a", "6", 2);
  api.expect({.verb = kube::Verb::kPut,
              .path = kStatusPath,
              .query = {{"fieldManager", "orderops"}},
              .body = written.dump()});
  auto action = reconciler.reconcile({"ns", "a"}, {});
  ASSERT_TRUE(action);
  EXPECT_EQ(*action, Action::await_change());
  EXPECT_TRUE(reconciler.reconcile({"ns", "gone"}, {}));
  EXPECT_EQ(conditions, (std::vector<std::string>{"ns/a Ready=Unknown", "gone ns/gone"}));
}

}  // namespace
}  // namespace orderops::runtime
