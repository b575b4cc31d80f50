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

}  // namespace
}  // namespace orderops
