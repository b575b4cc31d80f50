// Random schedules, zones and start times for the differential test: mostly valid cron built
// from every construct robfig accepts (names, steps, lists, descriptors, @every), mixed with the
// near-misses it rejects or quietly accepts (7 as a weekday, "*-5", "+5", ",", Unicode spaces,
// TZ= prefixes), and start times clustered around DST transitions. Deterministic for a seed.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>

namespace orderops::schedule::testing {

class ScheduleGenerator {
 public:
  explicit ScheduleGenerator(std::uint64_t seed) : rng_(seed) {}

  std::string schedule();
  // A valid schedule that fires reasonably often (for the missed-slot comparison).
  std::string frequent_schedule();
  std::string zone();
  // Unix seconds and nanoseconds: near a DST transition of the zone, or anywhere in 1971-2099.
  std::pair<std::int64_t, std::int64_t> start_time(const std::string& zone);

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int64_t uniform64(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

 private:
  std::string field(int index);
  std::string item(int index);
  std::string range(int index, bool junk);
  std::string value(int index, bool allow_junk);
  std::string descriptor();
  std::string separator();

  std::mt19937_64 rng_;
};

}  // namespace orderops::schedule::testing
