// `orderops db migrate|check` as a user runs it: exit codes 0/1/2, what is printed, and that the
// password never shows.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "postgres/postgres_environment.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops {
namespace {

struct Outcome {
  int code = -1;
  std::string output;  // stdout and stderr together
};

class DbCliTest : public testing::PostgresTest {
 protected:
  bool migrate_database() const override { return false; }

  // `env` is prepended to the command line ("NAME='value' "); arguments are single-quoted.
  Outcome orderops(const std::vector<std::string>& args, const std::string& env = "") {
    const char* bin = std::getenv("ORDEROPS_BIN_DIR");
    std::string cmd = env + "'" + std::string(bin ? bin : ".") + "/orderops'";
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " 2>&1";
    Outcome out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    std::array<char, 4096> buf;
    while (auto n = std::fread(buf.data(), 1, buf.size(), p)) out.output.append(buf.data(), n);
    const int status = ::pclose(p);
    out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
  }
};

TEST_F(DbCliTest, CheckMigrateCheck) {
  auto missing = orderops({"db", "check", "--database-url", url()});
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_NE(missing.output.find("missing table order_aftersales"), std::string::npos);
  EXPECT_NE(missing.output.find("run `orderops db migrate`"), std::string::npos);

  auto first = orderops({"db", "migrate", "--database-url", url()});
  EXPECT_EQ(first.code, 0) << first.output;
  EXPECT_NE(first.output.find("created table order_aftersales_logs"), std::string::npos);
  auto second = orderops({"db", "migrate", "--database-url", url()});
  EXPECT_EQ(second.code, 0) << second.output;
  EXPECT_NE(second.output.find("already up to date"), std::string::npos);

  auto ok = orderops({"db", "check", "--database-url", url()});
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_NE(ok.output.find("schema complete (schema version 1)"), std::string::npos);
  for (const auto* o : {&missing, &first, &second, &ok}) {
    EXPECT_EQ(o->output.find(cluster().password()), std::string::npos) << o->output;
    EXPECT_NE(o->output.find(":REDACTED@"), std::string::npos) << o->output;
  }
}

TEST_F(DbCliTest, UrlFromTheEnvironment) {
  auto r =
      orderops({"db", "migrate", "--part=aftersales"}, "ORDEROPS_DATABASE_URL='" + url() + "' ");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("wechat_pay"), std::string::npos) << r.output;
  auto check =
      orderops({"db", "check", "--part", "aftersales"}, "ORDEROPS_DATABASE_URL='" + url() + "' ");
  EXPECT_EQ(check.code, 0) << check.output;
}

TEST_F(DbCliTest, RefusedOrUnreachableDatabaseExitsOne) {
  const std::string secret = "not-the-Password-42";
  auto denied =
      orderops({"db", "check", "--database-url", cluster().url_as("postgres", secret, database())});
  EXPECT_EQ(denied.code, 1) << denied.output;
  EXPECT_NE(denied.output.find("Unauthorized (28P01)"), std::string::npos) << denied.output;
  EXPECT_EQ(denied.output.find(secret), std::string::npos) << denied.output;
  auto nodb = orderops({"db", "migrate", "--database-url", cluster().url("absent_db")});
  EXPECT_EQ(nodb.code, 1) << nodb.output;
  EXPECT_NE(nodb.output.find("NotFound (3D000)"), std::string::npos) << nodb.output;
  EXPECT_EQ(nodb.output.find(cluster().password()), std::string::npos) << nodb.output;
}

TEST_F(DbCliTest, BadInputExitsTwo) {
  EXPECT_EQ(orderops({"db"}).code, 2);
  EXPECT_EQ(orderops({"db", "upgrade", "--database-url", url()}).code, 2);
  auto no_url = orderops({"db", "check"}, "ORDEROPS_DATABASE_URL= ");
  EXPECT_EQ(no_url.code, 2) << no_url.output;
  EXPECT_NE(no_url.output.find("--database-url"), std::string::npos);
  auto table = orderops({"db", "check", "--database-url", url(), "--table", "a;b"});
  EXPECT_EQ(table.code, 2) << table.output;
  EXPECT_EQ(orderops({"db", "check", "--database-url", url(), "--part", "x"}).code, 2);
  EXPECT_EQ(orderops({"db", "check", "--database-url", url(), "--bogus"}).code, 2);
  EXPECT_EQ(orderops({"db", "--help"}).code, 0);
}

}  // namespace
}  // namespace orderops
