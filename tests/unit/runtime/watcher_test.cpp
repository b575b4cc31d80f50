#include "runtime/watcher.h"

#include <gtest/gtest.h>

#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "support/fake_kube_api.h"
#include "unit/runtime/watch_fixtures.h"

namespace orderops::runtime {
namespace {

using namespace testdata;
using orderops::testing::ApiCall;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = WatcherEvent::Kind;

std::vector<std::pair<std::string, std::string>> watch_query(const std::string& rv) {
  return {{"watch", "true"},
          {"resourceVersion", rv},
          {"allowWatchBookmarks", "true"},
          {"timeoutSeconds", "*"}};
}

class WatcherTest : public ::testing::Test {
 protected:
  Watcher make(WatcherConfig config = {}) {
    return Watcher(client_, kWidgets, "ns", config, clock_, log_);
  }
  // Steps until the watcher produces an event or `limit` steps pass.
  WatcherEvent step_until_event(Watcher& w, int limit = 10) {
    for (int i = 0; i < limit; ++i) {
      WatcherEvent e = w.step({});
      if (e.kind != Kind::kNone) return e;
    }
    return {};
  }
  // Lists a and b at RV 10 with one page and opens nothing yet.
  void initial_list(Watcher& w) {
    api_.expect({.path = kWidgetsPath,
                 .query = {{"resourceVersion", "0"}, {"limit", "500"}},
                 .body = list_body("10", {widget("a", "5"), widget("b", "6")})});
    WatcherEvent e = w.step({});
    ASSERT_EQ(e.kind, Kind::kRestarted);
    ASSERT_EQ(w.phase(), WatcherPhase::kWatchStart);
  }
  // Lets fake time pass while a watch is open, so its end is not a "very short watch".
  std::function<void()> pass(Duration d) {
    return [this, d] { clock_.advance(d); };
  }

  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock_;
  testing::FakeKubeApi api_;
  Logger log_{sink_, clock_, LogFormat::kJson, LogLevel::kDebug};
  kube::Client client_{api_, clock_, log_};
};

TEST_F(WatcherTest, InitialListFollowsContinueTokensAndDeliversOnePage) {
  Watcher w = make();
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "0"}, {"limit", "500"}},
               .body = list_body("10", {widget("a", "5")}, "token-1")});
  api_.expect({.path = kWidgetsPath,
               .query = {{"continue", "token-1"}, {"limit", "500"}},
               .body = list_body("10", {widget("b", "6")})});
  EXPECT_EQ(w.step({}).kind, Kind::kNone);  // page 1 is held back
  EXPECT_EQ(w.phase(), WatcherPhase::kList);
  WatcherEvent e = w.step({});
  ASSERT_EQ(e.kind, Kind::kRestarted);
  ASSERT_EQ(e.objects.size(), 2u);
  EXPECT_EQ(kube::name_of(*e.objects[0]), "a");
  EXPECT_EQ(kube::name_of(*e.objects[1]), "b");
  EXPECT_EQ(w.last_sync_resource_version(), "10");
  EXPECT_EQ(w.phase(), WatcherPhase::kWatchStart);
}

TEST_F(WatcherTest, WatchFromListRvWithBookmarksAndRandomTimeout) {
  Watcher w = make();
  initial_list(w);
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .lines = {event("ADDED", "c", "11"), bookmark("12"), event("MODIFIED", "a", "13"),
                         event("DELETED", "b", "14")},
               .on_request =
                   [](const kube::HttpRequest& r) {
                     const int t = std::stoi(*r.query_value("timeoutSeconds"));
                     EXPECT_GE(t, 300);
                     EXPECT_LT(t, 600);
                   },
               .before_end = pass(seconds(2))});
  EXPECT_EQ(w.step({}).kind, Kind::kNone);
  EXPECT_EQ(w.phase(), WatcherPhase::kWatching);
  WatcherEvent added = w.step({});
  ASSERT_EQ(added.kind, Kind::kApplied);
  EXPECT_EQ(kube::name_of(*added.objects[0]), "c");
  EXPECT_EQ(w.step({}).kind, Kind::kNone);  // the bookmark only moves the RV
  EXPECT_EQ(w.last_sync_resource_version(), "12");
  EXPECT_EQ(w.step({}).kind, Kind::kApplied);
  WatcherEvent deleted = w.step({});
  ASSERT_EQ(deleted.kind, Kind::kDeleted);
  EXPECT_EQ(kube::name_of(*deleted.objects[0]), "b");
  EXPECT_EQ(w.last_sync_resource_version(), "14");
}

TEST_F(WatcherTest, CleanCloseRewatchesFromLastRvWithoutRelisting) {
  Watcher w = make();
  initial_list(w);
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .lines = {bookmark("20")},
               .before_end = pass(seconds(300))});
  api_.expect({.path = kWidgetsPath, .query = watch_query("20"), .before_end = pass(seconds(300))});
  w.step({});                                       // open
  w.step({});                                       // bookmark
  w.step({});                                       // the server ended the stream
  EXPECT_EQ(w.phase(), WatcherPhase::kWatchStart);  // no backoff, no list
  w.step({});
  EXPECT_EQ(w.phase(), WatcherPhase::kWatching);
  EXPECT_EQ(api_.remaining(), 0u);
}

TEST_F(WatcherTest, BrokenConnectionEndsTheWatchLikeEof) {
  Watcher w = make();
  initial_list(w);
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .lines = {event("MODIFIED", "a", "11")},
               .stream_error = Error{ErrorCode::kUnavailable, "connection reset", {}, {}, {}}});
  api_.expect({.path = kWidgetsPath, .query = watch_query("11")});
  w.step({});
  EXPECT_EQ(w.step({}).kind, Kind::kApplied);
  w.step({});
  EXPECT_EQ(w.phase(), WatcherPhase::kWatchStart);
  w.step({});
  EXPECT_EQ(api_.remaining(), 0u);
}

TEST_F(WatcherTest, ExpiredErrorEventRelistsNotOlderThanLastRvAfterBackoff) {
  Watcher w = make();
  initial_list(w);
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .lines = {event("MODIFIED", "a", "15"), error_event(410, "Expired")}});
  w.step({});
  w.step({});
  EXPECT_EQ(w.step({}).kind, Kind::kNone);
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  EXPECT_EQ(w.after_backoff(), WatcherPhase::kList);
  const Duration wait = w.backoff_until() - clock_.monotonic();
  EXPECT_GE(wait, milliseconds(800));
  EXPECT_LT(wait, milliseconds(1600));
  // Still waiting: nothing is sent.
  EXPECT_EQ(w.step({}).kind, Kind::kNone);
  EXPECT_EQ(w.phase(), WatcherPhase::kBackoff);
  clock_.advance(wait);
  w.step({});
  EXPECT_EQ(w.phase(), WatcherPhase::kList);
  // "Not older than" the last RV, without paging so a watch cache can answer.
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "15"}},
               .body = list_body("16", {widget("a", "15")})});
  WatcherEvent e = w.step({});
  ASSERT_EQ(e.kind, Kind::kRestarted);
  EXPECT_EQ(e.objects.size(), 1u);
  EXPECT_EQ(w.last_sync_resource_version(), "16");
}

TEST_F(WatcherTest, RelistThatMeets410FallsBackToQuorumReadAtOnce) {
  Watcher w = make();
  initial_list(w);
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .status = 410,
               .body = status_body(410, "Expired", "too old resource version")});
  w.step({});
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  clock_.advance(seconds(2));
  w.step({});
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "10"}},
               .status = 410,
               .body = status_body(410, "Expired", "too old resource version")});
  api_.expect({.path = kWidgetsPath, .query = {{"limit", "500"}}, .body = list_body("30", {})});
  EXPECT_EQ(w.step({}).kind, Kind::kNone);
  EXPECT_EQ(w.phase(), WatcherPhase::kList);  // no backoff in between
  EXPECT_EQ(w.step({}).kind, Kind::kRestarted);
  EXPECT_EQ(w.last_sync_resource_version(), "30");
}

TEST_F(WatcherTest, ExpiredContinueTokenFallsBackToAFullList) {
  Watcher w = make();
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "0"}, {"limit", "500"}},
               .body = list_body("10", {widget("a", "5")}, "token-1")});
  api_.expect({.path = kWidgetsPath,
               .query = {{"continue", "token-1"}, {"limit", "500"}},
               .status = 410,
               .body = status_body(410, "Expired", "continue token expired")});
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "0"}},
               .body = list_body("12", {widget("a", "5"), widget("b", "11")})});
  w.step({});
  w.step({});
  EXPECT_EQ(w.phase(), WatcherPhase::kList);
  WatcherEvent e = w.step({});
  ASSERT_EQ(e.kind, Kind::kRestarted);
  EXPECT_EQ(e.objects.size(), 2u);  // page 1 was dropped, not duplicated
}

TEST_F(WatcherTest, PagedServerKeepsPagingRelists) {
  Watcher w = make();
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "0"}, {"limit", "500"}},
               .body = list_body("10", {}, "t")});
  api_.expect({.path = kWidgetsPath,
               .query = {{"continue", "t"}, {"limit", "500"}},
               .body = list_body("10", {})});
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .lines = {error_event(500, "InternalError")}});
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "10"}, {"limit", "500"}},
               .body = list_body("11", {})});
  step_until_event(w);
  w.step({});
  w.step({});
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  clock_.advance(seconds(2));
  EXPECT_EQ(step_until_event(w).kind, Kind::kRestarted);
}

TEST_F(WatcherTest, TooManyRequestsOrRefusedRetriesTheWatchWithoutRelist) {
  Watcher w = make();
  initial_list(w);
  api_.expect({.path = kWidgetsPath,
               .query = watch_query("10"),
               .status = 429,
               .body = status_body(429, "TooManyRequests", "slow down")});
  api_.expect(
      {.path = kWidgetsPath,
       .query = watch_query("10"),
       .transport_error = Error{ErrorCode::kUnavailable, "refused", "ConnectionRefused", {}, {}}});
  api_.expect({.path = kWidgetsPath, .query = watch_query("10")});
  w.step({});
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  EXPECT_EQ(w.after_backoff(), WatcherPhase::kWatchStart);
  clock_.advance(seconds(2));
  w.step({});
  w.step({});
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  EXPECT_EQ(w.after_backoff(), WatcherPhase::kWatchStart);
  clock_.advance(seconds(4));
  w.step({});
  w.step({});
  EXPECT_EQ(w.phase(), WatcherPhase::kWatching);
  EXPECT_EQ(api_.remaining(), 0u);
}

TEST_F(WatcherTest, VeryShortEmptyWatchIsAnError) {
  Watcher w = make();
  initial_list(w);
  api_.expect(
      {.path = kWidgetsPath, .query = watch_query("10"), .before_end = pass(milliseconds(999))});
  w.step({});
  w.step({});
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  EXPECT_EQ(w.after_backoff(), WatcherPhase::kList);
  EXPECT_NE(sink_->all().find("very short watch"), std::string::npos);
}

TEST_F(WatcherTest, ListFailuresBackOffThenRelist) {
  Watcher w = make();
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "0"}, {"limit", "500"}},
               .status = 500,
               .body = status_body(500, "InternalError", "etcd down")});
  api_.expect({.path = kWidgetsPath,
               .query = {{"resourceVersion", "0"}, {"limit", "500"}},
               .body = list_body("3", {})});
  w.step({});
  ASSERT_EQ(w.phase(), WatcherPhase::kBackoff);
  clock_.advance(seconds(2));
  EXPECT_EQ(step_until_event(w).kind, Kind::kRestarted);
}

TEST(BackoffManagerTest, ExponentialWithJitterCappedAndResetAfterTwoMinutes) {
  testing::FakeClock clock;
  BackoffManager backoff(kReflectorBackoff, kReflectorBackoffReset, clock, 42);
  Duration base = milliseconds(800);
  for (int i = 0; i < 8; ++i) {
    SCOPED_TRACE(i);
    const Duration d = backoff.next();
    EXPECT_GE(d, base);
    EXPECT_LT(d, 2 * base);  // jitter 1.0: [d, 2d)
    base = std::min<Duration>(2 * base, seconds(30));
    clock.advance(seconds(1));
  }
  // Settled at the cap: [30 s, 60 s).
  const Duration capped = backoff.next();
  EXPECT_GE(capped, seconds(30));
  EXPECT_LT(capped, seconds(60));
  clock.advance(seconds(121));
  const Duration reset = backoff.next();
  EXPECT_GE(reset, milliseconds(800));
  EXPECT_LT(reset, milliseconds(1600));
}

}  // namespace
}  // namespace orderops::runtime
