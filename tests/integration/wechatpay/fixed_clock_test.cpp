// The mock's deterministic clock: with --clock fixed:<RFC3339> every answer is stamped with that
// instant (until admin time moves it), so a client on a FakeClock at the same instant verifies
// byte-for-byte repeatable exchanges.
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "support/capture_sink.h"
#include "support/fake_clock.h"
#include "support/wechatpay-mock/mock_harness.h"
#include "wechatpay/client.h"
#include "wechatpay/verifier.h"

namespace orderops::wechatpay {
namespace {

TEST(FixedClockMock, AnswersCarryTheFixedTime) {
  const std::string fixed = "2026-11-21T10:00:00+08:00";
  auto mock = testing::MockServer::start({.extra_args = {"--clock", "fixed:" + fixed}});
  ASSERT_TRUE(mock) << mock.error().message;
  orderops::testing::FakeClock clock(*parse_rfc3339(fixed));
  auto sink = std::make_shared<orderops::testing::CaptureSink>();
  ClientOptions options;
  options.endpoint = (*mock)->url();
  options.retry.backoff = {Duration::zero(), Duration::zero(), 1.0, 0.0};
  auto client = Client::connect((*mock)->credentials(), options, clock,
                                Logger(sink, clock, LogFormat::kJson, LogLevel::kInfo));
  ASSERT_TRUE(client);
  (*mock)->admin_or_throw("POST", "/admin/transactions",
                          {{"transaction_id", "4600000001"}, {"amount", 100}});
  auto amount = (*client)->unsplit_amount("4600000001");
  ASSERT_TRUE(amount) << amount.error().message;
  EXPECT_EQ(amount->unsplit_amount, 100);
  EXPECT_EQ((*mock)->admin_or_throw("GET", "/admin/state")["now"], fixed);

  // Ten minutes later on the mock only: our answers' timestamps are now outside the window.
  (*mock)->admin_or_throw("POST", "/admin/time", {{"advance_seconds", 600}});
  auto stale = (*client)->unsplit_amount("4600000001");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().reason, "SIGN_ERROR");  // the mock refuses our old timestamp first
  clock.advance(std::chrono::seconds(600));
  EXPECT_TRUE((*client)->unsplit_amount("4600000001"));
}

}  // namespace
}  // namespace orderops::wechatpay
