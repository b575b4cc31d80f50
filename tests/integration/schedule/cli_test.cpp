// `orderops schedule next`: output format, exit codes and messages of the real binary, and its
// fire times against robfig/cron for generated schedules.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/time_format.h"
#include "robfig_oracle.h"
#include "schedule_generator.h"

namespace orderops::schedule::testing {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> lines;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

class ScheduleCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("ORDEROPS_BIN_DIR");
    binary_ = fs::path(bin != nullptr ? bin : "bin") / "orderops";
    ASSERT_TRUE(fs::exists(binary_)) << binary_ << " (build the orderops target first)";
    dir_ = fs::temp_directory_path() / ("orderops-cli-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  CliResult run(const std::vector<std::string>& args) const {
    std::string cmd = shell_quote(binary_.string()) + " schedule";
    for (const auto& a : args) cmd.append(1, ' ').append(shell_quote(a));
    cmd.append(" > ").append(shell_quote((dir_ / "out").string()));
    cmd.append(" 2> ").append(shell_quote((dir_ / "err").string()));
    CliResult r;
    const int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    auto slurp = [](const fs::path& p) {
      std::ifstream f(p);
      std::stringstream s;
      s << f.rdbuf();
      return s.str();
    };
    r.out = slurp(dir_ / "out");
    r.err = slurp(dir_ / "err");
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) r.lines.push_back(line);
    return r;
  }

  fs::path binary_;
  fs::path dir_;
};

TEST_F(ScheduleCli, PrintsFireTimesWithTheZoneOffsetOnePerLine) {
  const CliResult r = run({"next", "30 2 * * *", "--time-zone", "Europe/Berlin", "--from",
                           "2025-10-25T12:00:00Z", "--count", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // The fall-back night repeats 02:30, and robfig fires at both.
  EXPECT_EQ(r.out,
            "2025-10-26T02:30:00+02:00\n2025-10-26T02:30:00+01:00\n2025-10-27T02:30:00+01:00\n");
}

TEST_F(ScheduleCli, DefaultsToFiveTimesInUtc) {
  const CliResult r = run({"next", "0 9 * * mon-fri", "--from=2026-11-20T00:00:00+08:00"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{"2026-11-20T09:00:00Z", "2026-11-23T09:00:00Z",
                                               "2026-11-24T09:00:00Z", "2026-11-25T09:00:00Z",
                                               "2026-11-26T09:00:00Z"}));
}

TEST_F(ScheduleCli, StartsFromNowWithoutFrom) {
  const CliResult r = run({"next", "@hourly", "--time-zone", "Asia/Shanghai", "--count", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 2U);
  const auto first = parse_rfc3339(r.lines[0]);
  const auto second = parse_rfc3339(r.lines[1]);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(r.lines[0].ends_with(":00:00+08:00")) << r.lines[0];
  EXPECT_EQ(*second - *first, std::chrono::hours(1));
}

TEST_F(ScheduleCli, BadInputExitsTwoNamingTheField) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"next", "61 * * * *"}, "schedule: \"61 * * * *\": minute 61 out of range 0-59\n"},
      {{"next", "0 9 * * 7"}, "schedule: \"0 9 * * 7\": day-of-week 7 out of range 0-6\n"},
      {{"next", "CRON_TZ=UTC 0 9 * * *"},
       "schedule: \"CRON_TZ=UTC 0 9 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone "
       "field instead\n"},
      {{"next", "0 9 * * *", "--time-zone", "Mars/Olympus"},
       "--time-zone: unknown time zone \"Mars/Olympus\"\n"},
      {{"next", "0 9 * * *", "--time-zone", "Local"},
       "--time-zone: time zone \"Local\" is not allowed: name an explicit IANA zone\n"},
      {{"next", "0 9 * * *", "--from", "yesterday"}, "--from: time \"yesterday\": not RFC 3339\n"},
      {{"next", "0 9 * * *", "--count", "0"}, "--count: must be between 1 and 1000, got 0\n"},
      {{"next", "0 9 * * *", "--count", "many"}, "--count: \"many\" is not an integer\n"},
      {{"next", "0 0 30 2 *", "--from", "2026-01-01T00:00:00Z"},
       "schedule: \"0 0 30 2 *\": no fire time within 5 years after 2026-01-01T00:00:00Z\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args[1]);
    const CliResult r = run(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, c.message);
  }
  EXPECT_EQ(run({"next"}).exit_code, 2);
  EXPECT_EQ(run({"next", "0 9 * * *", "--bogus"}).exit_code, 2);
  EXPECT_EQ(run({"later"}).exit_code, 2);
  EXPECT_EQ(run({}).exit_code, 2);
}

TEST_F(ScheduleCli, HelpDocumentsTheDefaults) {
  const CliResult r = run({"next", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("(default 5)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(default: now)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(default UTC)"), std::string::npos) << r.out;
}

// The binary end to end against robfig for generated valid schedules.
TEST_F(ScheduleCli, AgreesWithRobfig) {
  RobfigOracle oracle;
  ASSERT_EQ(oracle.build(dir_), "");
  ScheduleGenerator gen(7);
  std::vector<NextQuery> queries;
  while (queries.size() < 25) {
    NextQuery q{gen.schedule(), gen.zone(), 0, 0, 3};
    std::tie(q.from_seconds, q.from_nanos) = gen.start_time(q.zone);
    q.from_nanos = 0;
    if (answer_next(q).starts_with("ok") && !answer_next(q).ends_with("none")) {
      queries.push_back(q);
    }
  }
  std::vector<std::string> lines;
  for (const auto& q : queries) lines.push_back(encode(q));
  const auto theirs = oracle.ask(lines);
  ASSERT_EQ(theirs.size(), queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    const std::string from = format_rfc3339(SystemTime(std::chrono::seconds(q.from_seconds)));
    const CliResult r =
        run({"next", q.schedule, "--time-zone", q.zone, "--from", from, "--count", "3"});
    std::string expected = "ok";
    for (const auto& line : r.lines) expected.append(1, ' ').append(line);
    // The oracle prints "<unix>/<rfc3339>"; keep the text part.
    std::string robfig = "ok";
    std::istringstream items(theirs[i].substr(2));
    for (std::string item; items >> item;) {
      robfig.append(1, ' ').append(item.substr(item.find('/') + 1));
    }
    EXPECT_EQ(expected, robfig) << q.schedule << " in " << q.zone << " from " << from;
  }
}

}  // namespace
}  // namespace orderops::schedule::testing
