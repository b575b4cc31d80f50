#include "runtime/controller.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <thread>

#include "support/capture_sink.h"
#include "support/fake_clock.h"

namespace orderops::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ScriptedReconciler final : public Reconciler {
 public:
  std::deque<Result<Action>> results;
  std::optional<Action> policy;
  bool throws = false;
  std::vector<std::string> errors_seen;

  Result<Action> reconcile(const kube::ObjectKey&, std::stop_token) override {
    if (throws) throw std::runtime_error("boom");
    Result<Action> r = results.front();
    results.pop_front();
    return r;
  }
  Action error_policy(const kube::ObjectKey& key, const Error& error) override {
    errors_seen.push_back(key.to_string() + ": " + error.message);
    return policy ? *policy : Reconciler::error_policy(key, error);
  }
};

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() {
    hooks_.reconciled = [this](std::string_view result, Duration) {
      results_.emplace_back(result);
    };
  }
  Controller& controller() {
    if (!controller_) {
      controller_ = std::make_unique<Controller>(ControllerConfig{"Widget", 1}, reconciler_, clock_,
                                                 log_, hooks_);
    }
    return *controller_;
  }
  void run_once(const std::string& key) {
    controller().queue().add(key);
    ASSERT_TRUE(controller().process_next({}));
  }

  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock_;
  Logger log_{sink_, clock_, LogFormat::kJson, LogLevel::kDebug};
  ScriptedReconciler reconciler_;
  ControllerHooks hooks_;
  std::vector<std::string> results_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(ControllerTest, SuccessForgetsTheKey) {
  reconciler_.results = {make_error(ErrorCode::kUnavailable, "db down"), Action::await_change()};
  run_once("ns/a");
  EXPECT_EQ(controller().queue().num_requeues("ns/a"), 1);
  clock_.advance(milliseconds(5));
  ASSERT_TRUE(controller().process_next({}));  // the rate-limited retry
  EXPECT_EQ(controller().queue().num_requeues("ns/a"), 0);
  EXPECT_EQ(controller().queue().delayed(), 0u);
  EXPECT_FALSE(controller().queue().try_get());
  EXPECT_EQ(results_, (std::vector<std::string>{"error", "success"}));
}

TEST_F(ControllerTest, ErrorsRequeueRateLimitedByDefault) {
  reconciler_.results = {make_error(ErrorCode::kUnavailable, "x"),
                         make_error(ErrorCode::kUnavailable, "x")};
  run_once("ns/a");
  clock_.advance(milliseconds(5));
  ASSERT_TRUE(controller().process_next({}));
  EXPECT_EQ(controller().queue().num_requeues("ns/a"), 2);
  clock_.advance(milliseconds(9));
  EXPECT_FALSE(controller().queue().try_get());  // second failure waits 10 ms
  clock_.advance(milliseconds(1));
  EXPECT_TRUE(controller().queue().try_get());
  EXPECT_EQ(reconciler_.errors_seen.size(), 2u);
  EXPECT_NE(sink_->all().find("reconcile failed"), std::string::npos);
}

TEST_F(ControllerTest, RequeueAfterForgetsAndDelays) {
  reconciler_.results = {make_error(ErrorCode::kUnavailable, "x"), Action::requeue(seconds(30))};
  run_once("ns/a");
  clock_.advance(milliseconds(5));
  ASSERT_TRUE(controller().process_next({}));
  EXPECT_EQ(controller().queue().num_requeues("ns/a"), 0);
  EXPECT_EQ(controller().queue().delayed(), 1u);
  clock_.advance(seconds(29));
  EXPECT_FALSE(controller().queue().try_get());
  clock_.advance(seconds(1));
  EXPECT_TRUE(controller().queue().try_get());
  EXPECT_EQ(results_.back(), "requeue_after");
}

TEST_F(ControllerTest, RequeueRateLimitedKeepsCounting) {
  reconciler_.results = {Action::requeue_rate_limited()};
  run_once("ns/a");
  EXPECT_EQ(controller().queue().num_requeues("ns/a"), 1);
  EXPECT_EQ(results_.back(), "requeue");
}

TEST_F(ControllerTest, ErrorPolicyDecidesTerminalAndFixedRequeues) {
  reconciler_.policy = Action::await_change();
  reconciler_.results = {make_error(ErrorCode::kInvalid, "spec.schedule: bad")};
  run_once("ns/a");
  EXPECT_EQ(controller().queue().delayed(), 0u);
  EXPECT_FALSE(controller().queue().try_get());
  reconciler_.policy = Action::requeue(seconds(60));
  reconciler_.results = {make_error(ErrorCode::kUnavailable, "x")};
  run_once("ns/b");
  EXPECT_EQ(controller().queue().delayed(), 1u);
  EXPECT_EQ(results_, (std::vector<std::string>{"error", "error"}));
}

TEST_F(ControllerTest, ThrowingReconcilerCountsAsAnError) {
  reconciler_.throws = true;
  run_once("ns/a");
  EXPECT_EQ(results_.back(), "error");
  EXPECT_EQ(controller().queue().num_requeues("ns/a"), 1);
}

// Concurrency: four workers, a key changes while it is being reconciled; the second run of that
// key waits for the first to finish.
class BlockingReconciler final : public Reconciler {
 public:
  Result<Action> reconcile(const kube::ObjectKey& key, std::stop_token) override {
    std::unique_lock lock(mu);
    const int now_running = ++running[key.name];
    max_running = std::max(max_running, now_running);
    ++calls[key.name];
    started.notify_all();
    release_cv.wait(lock, [&] { return released || key.name != "a"; });
    --running[key.name];
    return Action::await_change();
  }
  std::mutex mu;
  std::condition_variable started;
  std::condition_variable release_cv;
  std::map<std::string, int> running;
  std::map<std::string, int> calls;
  int max_running = 0;
  bool released = false;
};

TEST(ControllerConcurrencyTest, NeverTwoWorkersOnOneKey) {
  auto sink = std::make_shared<testing::CaptureSink>();
  testing::FakeClock clock;
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kInfo);
  BlockingReconciler reconciler;
  Controller controller({"Widget", 4}, reconciler, clock, log);
  std::stop_source stop;
  std::jthread runner([&] { controller.run(stop.get_token()); });
  controller.queue().add("ns/a");
  {
    std::unique_lock lock(reconciler.mu);
    reconciler.started.wait(lock, [&] { return reconciler.calls["a"] == 1; });
  }
  controller.queue().add("ns/a");  // changed while running
  controller.queue().add("ns/b");
  {
    std::unique_lock lock(reconciler.mu);
    reconciler.started.wait(lock, [&] { return reconciler.calls["b"] == 1; });
    EXPECT_EQ(reconciler.calls["a"], 1);
    reconciler.released = true;
    reconciler.release_cv.notify_all();
    reconciler.started.wait(lock, [&] { return reconciler.calls["a"] == 2; });
  }
  stop.request_stop();
  runner.join();
  EXPECT_EQ(reconciler.max_running, 1);
}

}  // namespace
}  // namespace orderops::runtime
