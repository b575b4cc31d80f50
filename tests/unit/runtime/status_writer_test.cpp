#include "runtime/status_writer.h"

#include <gtest/gtest.h>

#include <future>

#include "kube/api_error.h"
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

}  // namespace
}  // namespace orderops::runtime
