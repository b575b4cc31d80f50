// client-go's exponential BackoffManager for the reflector: jittered exponential steps (800 ms to
// 30 s, factor 2, jitter 1.0 by default) that start over once no backoff happened for
// `reset_after` (2 min). Not thread-safe: one per watcher.
#pragma once

#include <cstdint>
#include <optional>

#include "common/backoff.h"
#include "common/clock.h"

namespace orderops::runtime {

inline constexpr BackoffPolicy kReflectorBackoff{std::chrono::milliseconds(800),
                                                 std::chrono::seconds(30), 2.0, 1.0};
inline constexpr Duration kReflectorBackoffReset = std::chrono::minutes(2);

class BackoffManager {
 public:
  BackoffManager(BackoffPolicy policy, Duration reset_after, const Clock& clock,
                 std::uint64_t seed);

  // The next wait; resets to the initial step when the previous backoff began more than
  // reset_after ago.
  Duration next();

 private:
  Backoff backoff_;
  Duration reset_after_;
  const Clock& clock_;
  std::optional<MonotonicTime> last_start_;
};

}  // namespace orderops::runtime
