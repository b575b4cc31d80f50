#include "common/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/capture_sink.h"
#include "support/fake_clock.h"

namespace orderops {
namespace {

TEST(Logger, WritesOneJsonObjectPerLine) {
  testing::FakeClock clock(SystemTime(std::chrono::seconds(1795255200)));
  auto sink = std::make_shared<testing::CaptureSink>();
  Logger log(sink, clock, LogFormat::kJson, LogLevel::kInfo, "manager");
  log.named("atp").with({{"namespace", "shop"}}).info("run started",
                                                      {{"runID", "x-1"}, {"rows", 3}});
  log.debug("hidden");
  const auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["ts"], "2026-11-21T10:00:00.000000Z");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "run started");
  EXPECT_EQ(j["logger"], "manager.atp");
  EXPECT_EQ(j["namespace"], "shop");
  EXPECT_EQ(j["runID"], "x-1");
  EXPECT_EQ(j["rows"], 3);
}

TEST(Logger, TextFormatAndInvalidUtf8DoNotThrow) {
  testing::FakeClock clock;
  auto sink = std::make_shared<testing::CaptureSink>();
  Logger log(sink, clock, LogFormat::kText, LogLevel::kDebug);
  log.warn("odd", {{"bytes", std::string("\xff\xfe")}, {"ok", true}});
  ASSERT_EQ(sink->lines().size(), 1u);
  EXPECT_NE(sink->lines()[0].find(" warn odd bytes="), std::string::npos);
  Logger json(sink, clock, LogFormat::kJson, LogLevel::kDebug);
  json.error("odd", {{"bytes", std::string("\xff")}});
  EXPECT_TRUE(nlohmann::json::accept(sink->lines()[1]));
}

TEST(Logger, ParsesLevelsAndFormats) {
  EXPECT_EQ(*parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(*parse_log_format("text"), LogFormat::kText);
  EXPECT_FALSE(parse_log_level("loud").has_value());
  EXPECT_NE(parse_log_format("xml").error().message.find("xml"), std::string::npos);
}

}  // namespace
}  // namespace orderops
