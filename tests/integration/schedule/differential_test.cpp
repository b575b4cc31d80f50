// Differential test: our schedule engine against the real robfig/cron v3 (Go), on thousands of
// generated schedules, zones and start times (fixed seed), comparing accept/reject and every
// next fire time as instant and as RFC 3339 text; then the missed-slot decision against the
// CronJob controller's algorithm run on robfig.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>

#include "robfig_oracle.h"
#include "schedule/time_zone.h"
#include "schedule_generator.h"

namespace orderops::schedule::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kSeed = 20261121;
constexpr int kNextCases = 20000;
constexpr int kMissedCases = 5000;
constexpr const char* kZoneInfo = "/usr/share/zoneinfo";

// Zone files Go opens but date/tz does not list; TimeZone::load refuses them (documented).
bool known_unsupported_zone(const std::string& name) {
  return name.starts_with("right/") || name == "Factory" || name == "posix/Factory";
}

// Results whose consecutive fire times differ in UTC offset: the cases that crossed a DST change.
int offset_changes(const std::string& answer) {
  int changes = 0;
  std::string previous;
  std::size_t pos = 0;
  while ((pos = answer.find('/', pos)) != std::string::npos) {
    const std::size_t end = answer.find(' ', pos);
    const std::string stamp =
        answer.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
    const std::string offset = stamp.size() > 19 ? stamp.substr(19) : stamp;
    changes += !previous.empty() && offset != previous;
    previous = offset;
    pos = end == std::string::npos ? answer.size() : end;
  }
  return changes;
}

class RobfigDifferential : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_dir_ = new fs::path(fs::temp_directory_path() /
                             ("orderops-robfig-" + std::to_string(std::random_device{}())));
    fs::create_directories(*work_dir_);
    oracle_ = new RobfigOracle;
    build_error_ = new std::string(oracle_->build(*work_dir_));
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*work_dir_, ec);
    delete oracle_;
    delete build_error_;
    delete work_dir_;
  }

  // Compares answers line by line; reports the first few differences in full.
  static int compare(const std::vector<std::string>& queries, const std::vector<std::string>& ours,
                     const std::vector<std::string>& theirs, std::map<std::string, int>& classes) {
    EXPECT_EQ(theirs.size(), queries.size()) << "the oracle answered a different number of lines";
    int mismatches = 0;
    for (std::size_t i = 0; i < queries.size() && i < theirs.size(); ++i) {
      ++classes[theirs[i].substr(0, theirs[i].find(' '))];
      if (ours[i] == theirs[i]) continue;
      // Where robfig never returns we stop the search and report no time (documented).
      if (theirs[i] == "hang" ||
          (theirs[i].ends_with(" hang") && ours[i].ends_with(" none") &&
           ours[i].substr(0, ours[i].size() - 4) == theirs[i].substr(0, theirs[i].size() - 4))) {
        ++classes["robfig-hangs"];
        continue;
      }
      if (++mismatches <= 10) {
        ADD_FAILURE() << "query: " << queries[i] << "\n  ours:   " << ours[i]
                      << "\n  robfig: " << theirs[i];
      }
    }
    return mismatches;
  }

  static fs::path* work_dir_;
  static RobfigOracle* oracle_;
  static std::string* build_error_;
};

fs::path* RobfigDifferential::work_dir_ = nullptr;
RobfigOracle* RobfigDifferential::oracle_ = nullptr;
std::string* RobfigDifferential::build_error_ = nullptr;

TEST_F(RobfigDifferential, NextFireTimesAndValidationAgree) {
  ASSERT_EQ(*build_error_, "");
  ScheduleGenerator gen(kSeed);
  std::vector<std::string> queries;
  std::vector<std::string> ours;
  int times = 0;
  for (int i = 0; i < kNextCases; ++i) {
    NextQuery q;
    q.schedule = gen.schedule();
    q.zone = gen.zone();
    std::tie(q.from_seconds, q.from_nanos) = gen.start_time(q.zone);
    q.count = gen.uniform(1, 6);
    queries.push_back(encode(q));
    ours.push_back(answer_next(q));
    times += q.count;
  }
  const auto theirs = oracle_->ask(queries);
  std::map<std::string, int> classes;
  const int mismatches = compare(queries, ours, theirs, classes);
  int crossings = 0;
  int never = 0;
  for (const auto& a : theirs) {
    crossings += offset_changes(a) > 0;
    never += a.ends_with(" none");
  }
  std::cout << "[differential next] cases=" << queries.size() << " accepted=" << classes["ok"]
            << " bad-schedule=" << classes["bad-schedule"] << " bad-zone=" << classes["bad-zone"]
            << " requested-times=" << times << " crossing-an-offset-change=" << crossings
            << " no-time=" << never << " robfig-hangs=" << classes["robfig-hangs"]
            << " mismatches=" << mismatches << "\n";
  EXPECT_EQ(mismatches, 0);
  // The generator must exercise both sides, or the comparison proves little.
  EXPECT_GT(classes["ok"], kNextCases / 2);
  EXPECT_GT(classes["bad-schedule"], kNextCases / 20);
  EXPECT_GT(classes["bad-zone"], 50);
  EXPECT_GT(crossings, 300);
}

// Every zone file on the machine: the same names load, and around each zone's offset changes in
// several eras the fire times agree (this is where Go's time.Date normalisation matters).
TEST_F(RobfigDifferential, EveryZoneFileAgrees) {
  ASSERT_EQ(*build_error_, "");
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(kZoneInfo)) {
    if (entry.is_regular_file()) {
      names.push_back(fs::relative(entry.path(), kZoneInfo).string());
    }
  }
  ASSERT_GT(names.size(), 500U);
  ScheduleGenerator gen(kSeed + 2);
  constexpr std::array<const char*, 4> kSchedules = {"*/30 * * * *", "30 2 * * *", "0 0 * * *",
                                                     "15 1-3 * * 0"};
  std::vector<std::string> queries;
  std::vector<std::string> ours;
  int unsupported = 0;
  int not_tzif = 0;
  for (const auto& name : names) {
    std::ifstream file(fs::path(kZoneInfo) / name, std::ios::binary);
    char magic[4] = {};
    file.read(magic, 4);
    not_tzif += std::string_view(magic, 4) != "TZif";
    if (known_unsupported_zone(name)) {
      ++unsupported;
      EXPECT_FALSE(TimeZone::load(name)) << name;
      continue;
    }
    const auto zone = TimeZone::load(name);
    for (const std::int64_t year_start :
         {315532800LL, 1262304000LL, 2208988800LL}) {  // 1980/2010/2040
      NextQuery q{kSchedules[static_cast<std::size_t>(gen.uniform(0, 3))], name, year_start, 0, 4};
      if (zone) {
        const auto span = zone->span_at(year_start + gen.uniform64(0, 300LL * 86400));
        if (span.end < 4102444800LL) q.from_seconds = span.end - 3600;  // an hour before it
      }
      queries.push_back(encode(q));
      ours.push_back(answer_next(q));
    }
  }
  const auto theirs = oracle_->ask(queries);
  std::map<std::string, int> classes;
  const int mismatches = compare(queries, ours, theirs, classes);
  int crossings = 0;
  for (const auto& a : theirs) crossings += offset_changes(a) > 0;
  std::cout << "[differential zones] files=" << names.size() << " compared=" << queries.size()
            << " crossing-an-offset-change=" << crossings
            << " unsupported(right/, Factory)=" << unsupported
            << " robfig-hangs=" << classes["robfig-hangs"] << " mismatches=" << mismatches << "\n";
  EXPECT_EQ(mismatches, 0);
  // Only the non-TZif files (zone.tab, tzdata.zi, leapseconds, ...) are refused, by both.
  EXPECT_EQ(classes["bad-zone"], 3 * not_tzif);
}

TEST_F(RobfigDifferential, MissedSlotDecisionsAgree) {
  ASSERT_EQ(*build_error_, "");
  ScheduleGenerator gen(kSeed + 1);
  std::vector<std::string> queries;
  std::vector<std::string> ours;
  constexpr std::int64_t k2000 = 946684800;
  constexpr std::int64_t kYears80 = 80LL * 365 * 86400;
  for (int i = 0; i < kMissedCases; ++i) {
    MissedQuery q;
    q.schedule = gen.frequent_schedule();
    q.zone = gen.zone();
    q.created = k2000 + gen.uniform64(0, kYears80);
    q.created -= q.created % 60 * gen.chance(0.5);
    // From "a second later" to "the controller was down for months".
    constexpr std::array<std::int64_t, 5> kSpans = {5, 3600, 86400, 40 * 86400, 400 * 86400};
    const std::int64_t span = kSpans[static_cast<std::size_t>(gen.uniform(0, 4))];
    q.now_seconds = q.created + gen.uniform64(0, span);
    q.now_nanos = gen.chance(0.5) ? gen.uniform64(0, 999999999) : 0;
    if (gen.chance(0.5)) q.last_scheduled = gen.uniform64(q.created, q.now_seconds);
    if (gen.chance(0.5)) {
      constexpr std::array<std::int64_t, 5> kDeadlines = {0, 10, 200, 3600, 100000};
      q.deadline_seconds = kDeadlines[static_cast<std::size_t>(gen.uniform(0, 4))];
    }
    queries.push_back(encode(q));
    ours.push_back(answer_missed(q));
  }
  const auto theirs = oracle_->ask(queries);
  std::map<std::string, int> classes;
  const int mismatches = compare(queries, ours, theirs, classes);
  int started = 0;
  int late = 0;
  int many = 0;
  for (const auto& a : theirs) {
    started += a.starts_with("start=") && !a.starts_with("start=-");
    late += a.find("late=-") == std::string::npos && a.starts_with("start=");
    many += a.find("many=1") != std::string::npos;
  }
  std::cout << "[differential missed] cases=" << queries.size() << " start=" << started
            << " late=" << late << " many=" << many << " bad-zone=" << classes["bad-zone"]
            << " robfig-hangs=" << classes["robfig-hangs"] << " mismatches=" << mismatches << "\n";
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(started, 100);
  EXPECT_GT(late, 20);
  EXPECT_GT(many, 20);
}

}  // namespace
}  // namespace orderops::schedule::testing
