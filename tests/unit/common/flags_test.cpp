#include "common/flags.h"

#include <gtest/gtest.h>

namespace orderops {
namespace {

struct Parsed {
  std::string kubeconfig;
  bool leader_elect = true;
  std::int64_t count = 1;
  std::optional<std::string> ns;
};

Result<std::vector<std::string>> parse(Parsed& p, std::vector<std::string> args) {
  FlagSet flags("orderops test");
  flags.add_string("--kubeconfig", &p.kubeconfig, "path");
  flags.add_bool("--leader-elect", &p.leader_elect, "elect");
  flags.add_int("--count,-n", &p.count, "how many");
  flags.add_optional_string("--namespace", &p.ns, "ns");
  return flags.parse(args);
}

TEST(FlagSet, AcceptsBothSpellingsAndPositionals) {
  Parsed p;
  auto pos = parse(p, {"--kubeconfig", "/k", "next", "--leader-elect=false", "-n=3", "x"});
  ASSERT_TRUE(pos.has_value()) << pos.error().message;
  EXPECT_EQ(p.kubeconfig, "/k");
  EXPECT_FALSE(p.leader_elect);
  EXPECT_EQ(p.count, 3);
  EXPECT_FALSE(p.ns.has_value());
  EXPECT_EQ(*pos, (std::vector<std::string>{"next", "x"}));
  ASSERT_TRUE(parse(p, {"--namespace=", "--leader-elect"}).has_value());
  EXPECT_EQ(p.ns, std::optional<std::string>(""));
  EXPECT_TRUE(p.leader_elect);
}

TEST(FlagSet, ErrorsNameTheFlag) {
  Parsed p;
  EXPECT_NE(parse(p, {"--bogus"}).error().message.find("unknown flag --bogus"), std::string::npos);
  EXPECT_NE(parse(p, {"--count", "x"}).error().message.find("--count: \"x\" is not an integer"),
            std::string::npos);
  EXPECT_NE(parse(p, {"--kubeconfig"}).error().message.find("--kubeconfig: missing value"),
            std::string::npos);
  EXPECT_NE(parse(p, {"--leader-elect=maybe"}).error().message.find("--leader-elect"),
            std::string::npos);
}

TEST(FlagSet, HelpIsNotAnErrorUnlessTheCommandOwnsTheFlag) {
  Parsed p;
  auto help = parse(p, {"--kubeconfig", "/k", "--help"});
  ASSERT_FALSE(help.has_value());
  EXPECT_EQ(help.error().reason, kHelpReason);
  EXPECT_NE(help.error().message.find("usage: orderops test"), std::string::npos);
  EXPECT_NE(help.error().message.find("--kubeconfig"), std::string::npos);
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(report_flag_error(help.error()), 0);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("usage:"), std::string::npos);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(report_flag_error(parse(p, {"--bogus"}).error()), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("--bogus"), std::string::npos);

  bool own_help = false;
  FlagSet flags("orderops own");
  flags.add_bool("--help,-h", &own_help, "show help");
  ASSERT_TRUE(flags.parse(std::vector<std::string>{"-h"}).has_value());
  EXPECT_TRUE(own_help);
}

}  // namespace
}  // namespace orderops
