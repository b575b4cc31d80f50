#include "robfig_oracle.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "schedule/cron_schedule.h"
#include "schedule/missed_slots.h"
#include "schedule/time_zone.h"

namespace orderops::schedule::testing {
namespace {

namespace fs = std::filesystem;

// Debian installs the v3 sources in GOPATH layout without the /v3 suffix.
constexpr const char* kGoPath = "/usr/share/gocode";
constexpr const char* kRobfigDir = "/usr/share/gocode/src/github.com/robfig/cron";

std::string hex(const std::string& s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::int64_t unix_seconds(SystemTime t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

SystemTime at(std::int64_t seconds, std::int64_t nanos) {
  return SystemTime(std::chrono::seconds(seconds)) + std::chrono::nanoseconds(nanos);
}

fs::path source_dir() {
  const char* src = std::getenv("ORDEROPS_SOURCE_DIR");
  return fs::path(src != nullptr ? src : ".") / "tests" / "support" / "robfig-ref";
}

std::string shell_quote(const fs::path& p) {
  std::string out;
  out.append(1, '\'').append(p.string()).append(1, '\'');
  return out;
}

}  // namespace

std::string encode(const NextQuery& q) {
  return "next\t" + hex(q.schedule) + "\t" + hex(q.zone) + "\t" + std::to_string(q.from_seconds) +
         "\t" + std::to_string(q.from_nanos) + "\t" + std::to_string(q.count);
}

std::string encode(const MissedQuery& q) {
  return "missed\t" + hex(q.schedule) + "\t" + hex(q.zone) + "\t" + std::to_string(q.created) +
         "\t" + opt(q.last_scheduled) + "\t" + opt(q.deadline_seconds) + "\t" +
         std::to_string(q.now_seconds) + "\t" + std::to_string(q.now_nanos);
}

std::string answer_next(const NextQuery& q) {
  const auto schedule = CronSchedule::parse(q.schedule);
  if (!schedule) return "bad-schedule";
  const auto zone = TimeZone::load(q.zone);
  if (!zone) return "bad-zone";
  std::string out = "ok";
  SystemTime t = at(q.from_seconds, q.from_nanos);
  for (int i = 0; i < q.count; ++i) {
    const auto next = schedule->next(t, *zone);
    if (!next) {
      out += " none";
      break;
    }
    out.append(1, ' ').append(std::to_string(unix_seconds(*next))).append(1, '/');
    out.append(zone->format_rfc3339(*next));
    t = *next;
  }
  return out;
}

std::string answer_missed(const MissedQuery& q) {
  const auto schedule = CronSchedule::parse(q.schedule);
  if (!schedule) return "bad-schedule";
  const auto zone = TimeZone::load(q.zone);
  if (!zone) return "bad-zone";
  SlotInputs in;
  in.created = at(q.created, 0);
  if (q.last_scheduled) in.last_scheduled = at(*q.last_scheduled, 0);
  in.starting_deadline_seconds = q.deadline_seconds;
  in.now = at(q.now_seconds, q.now_nanos);
  const SlotDecision d = decide_slot(*schedule, *zone, in);
  auto when = [](const std::optional<SystemTime>& t) {
    return t ? std::to_string(unix_seconds(*t)) : std::string("-");
  };
  std::ostringstream out;
  out << "start=" << when(d.start) << " late=" << when(d.missed_deadline)
      << " many=" << (d.missed == MissedSlots::kMany ? 1 : 0) << " err=" << (d.error ? 1 : 0)
      << " requeue=" << (d.requeue_after ? std::to_string(d.requeue_after->count()) : "-");
  return out.str();
}

std::string RobfigOracle::build(const fs::path& work_dir) {
  work_dir_ = work_dir;
  binary_ = work_dir / "robfig-ref";
  if (!fs::exists(kRobfigDir)) {
    return std::string("robfig/cron sources missing at ") + kRobfigDir +
           " (install golang-github-robfig-cron-dev)";
  }
  const fs::path main_go = source_dir() / "main.go";
  if (!fs::exists(main_go)) return "missing " + main_go.string();
  // GOPATH mode against the Debian sources: no module download, no network.
  const std::string cmd =
      "cd " + shell_quote(source_dir()) + " && env GOPATH=" + kGoPath +
      " GO111MODULE=off GOFLAGS= GOPROXY=off GOCACHE=" + shell_quote(work_dir / "gocache") +
      " go build -o " + shell_quote(binary_) + " main.go > " + shell_quote(work_dir / "build.log") +
      " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream log(work_dir / "build.log");
    std::stringstream text;
    text << log.rdbuf();
    return "go build of the robfig reference failed: " + text.str();
  }
  return {};
}

std::vector<std::string> RobfigOracle::ask(const std::vector<std::string>& query_lines) const {
  const fs::path in = work_dir_ / "queries.txt";
  const fs::path out = work_dir_ / "answers.txt";
  std::vector<std::string> answers;
  // The oracle exits after a query on which robfig hangs; start it again after that query.
  while (answers.size() < query_lines.size()) {
    {
      std::ofstream f(in);
      for (std::size_t i = answers.size(); i < query_lines.size(); ++i) f << query_lines[i] << "\n";
    }
    const std::string cmd =
        shell_quote(binary_) + " < " + shell_quote(in) + " > " + shell_quote(out);
    const int status = std::system(cmd.c_str());
    const std::size_t before = answers.size();
    std::ifstream f(out);
    for (std::string line; std::getline(f, line);) answers.push_back(line);
    const bool hung = WIFEXITED(status) && WEXITSTATUS(status) == 3;
    if (!hung || answers.size() == before) break;
  }
  return answers;
}

}  // namespace orderops::schedule::testing
