#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "runtime/informer.h"
#include "runtime/store.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "support/fake_kube_api.h"
#include "unit/runtime/watch_fixtures.h"

namespace orderops::runtime {
namespace {

using namespace testdata;
using std::chrono::seconds;

kube::ObjectPtr ptr(kube::Json j) { return std::make_shared<const kube::Json>(std::move(j)); }

TEST(StoreTest, ReplaceSwapsEverythingAndReportsTheDifference) {
  Store store;
  StoreWriter writer(store);
  EXPECT_FALSE(store.synced());
  writer.replace({ptr(widget("a", "1")), ptr(widget("b", "2"))});
  EXPECT_TRUE(store.synced());
  const kube::ObjectPtr before = store.get({"ns", "a"});
  auto diff = writer.replace({ptr(widget("a", "3")), ptr(widget("c", "4"))});
  ASSERT_EQ(diff.upserted.size(), 2u);
  EXPECT_EQ(diff.upserted[0].first, before);  // a: old and new
  EXPECT_EQ(kube::resource_version_of(*diff.upserted[0].second), "3");
  EXPECT_EQ(diff.upserted[1].first, nullptr);  // c is new
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_EQ(kube::name_of(*diff.removed[0]), "b");
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.get({"ns", "b"}), nullptr);
  // A snapshot handed out earlier is immutable and stays valid.
  EXPECT_EQ(kube::resource_version_of(*before), "1");
}

TEST(StoreTest, ApplyRemoveAndNamespaceListing) {
  Store store;
  StoreWriter writer(store);
  EXPECT_EQ(writer.apply(ptr(widget("a", "1"))), nullptr);
  kube::Json other = widget("z", "2");
  other["metadata"]["namespace"] = "other";
  writer.apply(ptr(other));
  EXPECT_NE(writer.apply(ptr(widget("a", "3"))), nullptr);
  EXPECT_EQ(store.list("ns").size(), 1u);
  EXPECT_EQ(store.list("other").size(), 1u);
  EXPECT_EQ(store.list().size(), 2u);
  EXPECT_EQ(kube::resource_version_of(*store.get({"ns", "a"})), "3");
  EXPECT_NE(writer.remove(widget("a", "4")), nullptr);
  EXPECT_EQ(writer.remove(widget("a", "4")), nullptr);
  EXPECT_EQ(store.keys().size(), 1u);
}

class Events {
 public:
  void push(const InformerEvent& e) {
    std::lock_guard lock(mu_);
    std::string text = e.type == InformerEventType::kAdd      ? "add "
                       : e.type == InformerEventType::kUpdate ? "update "
                                                              : "delete ";
    text += kube::name_of(*e.object) + "@" + kube::resource_version_of(*e.object);
    if (e.final_state_unknown) text += " (tombstone)";
    seen_.push_back(text);
    cv_.notify_all();
  }
  std::vector<std::string> wait_for(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> seen_;
};

TEST(InformerTest, FeedsCacheAndHandlersAcrossARelist) {
  auto sink = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock;
  testing::FakeKubeApi api;
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kDebug);
  kube::Client client(api, clock, log);
  const auto watch_query = [](const std::string& rv) {
    return std::vector<std::pair<std::string, std::string>>{{"watch", "true"},
                                                            {"resourceVersion", rv},
                                                            {"allowWatchBookmarks", "true"},
                                                            {"timeoutSeconds", "*"}};
  };
  api.expect({.path = kWidgetsPath,
              .query = {{"resourceVersion", "0"}, {"limit", "500"}},
              .body = list_body("10", {widget("a", "5"), widget("b", "6")})});
  api.expect({.path = kWidgetsPath,
              .query = watch_query("10"),
              .lines = {event("MODIFIED", "a", "11"), error_event(410, "Expired")}});
  api.expect({.path = kWidgetsPath,
              .query = {{"resourceVersion", "11"}},
              .body = list_body("20", {widget("a", "12"), widget("c", "13")})});
  api.expect({.path = kWidgetsPath,
              .query = watch_query("20"),
              .lines = {event("ADDED", "d", "21")},
              .hold_open = true});

  Informer informer(client, kWidgets, "ns", clock, log);
  Events events;
  informer.add_handler([&](const InformerEvent& e) { events.push(e); });
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync({}));
  events.wait_for(3);
  clock.await_sleepers(1);  // the watcher backs off after the ERROR event
  clock.advance(seconds(2));
  const auto seen = events.wait_for(7);
  const std::vector<std::string> want = {"add a@5",     "add b@6",  "update a@11",
                                         "update a@12", "add c@13", "delete b@6 (tombstone)",
                                         "add d@21"};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(informer.store().size(), 3u);
  EXPECT_EQ(kube::resource_version_of(*informer.store().get({"ns", "a"})), "12");
  EXPECT_EQ(informer.store().get({"ns", "b"}), nullptr);
  informer.stop();  // the held-open watch ends with the stop token
  EXPECT_EQ(api.remaining(), 0u);
}

}  // namespace
}  // namespace orderops::runtime
