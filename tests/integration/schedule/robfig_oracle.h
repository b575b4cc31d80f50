// Builds the Go reference program (tests/support/robfig-ref) against Debian's robfig/cron v3
// sources with the system Go, offline, and answers batches of queries with it. Also renders the
// same queries with our schedule module, in the same answer format, so answers compare as text.
// Not thread-safe; one per test suite.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace orderops::schedule::testing {

struct NextQuery {
  std::string schedule;
  std::string zone;
  std::int64_t from_seconds = 0;
  std::int64_t from_nanos = 0;
  int count = 1;
};

struct MissedQuery {
  std::string schedule;
  std::string zone;
  std::int64_t created = 0;
  std::optional<std::int64_t> last_scheduled;
  std::optional<std::int64_t> deadline_seconds;
  std::int64_t now_seconds = 0;
  std::int64_t now_nanos = 0;
};

std::string encode(const NextQuery& q);
std::string encode(const MissedQuery& q);

// Our answers, formatted as the oracle formats its own.
std::string answer_next(const NextQuery& q);
std::string answer_missed(const MissedQuery& q);

class RobfigOracle {
 public:
  // Empty string on success, else why the oracle could not be built.
  std::string build(const std::filesystem::path& work_dir);
  // One answer per query line, in order.
  std::vector<std::string> ask(const std::vector<std::string>& query_lines) const;

 private:
  std::filesystem::path work_dir_;
  std::filesystem::path binary_;
};

}  // namespace orderops::schedule::testing
