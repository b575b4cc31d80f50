// What one ATP run does, as plain values (the run engine fills it from the
// AftersalesTimeoutPolicy spec). validate() names the spec field of every problem. Value type;
// thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "aftersales/transition.h"
#include "common/clock.h"
#include "common/error.h"

namespace orderops::aftersales {

inline constexpr int kMaxBatchSize = 10000;
inline constexpr int kMaxParallelism = 16;
// PostgreSQL's NOTIFY channel is an identifier: at most 63 bytes.
inline constexpr std::size_t kMaxChannelLength = 63;

struct StateTimeout {
  bool enabled = true;
  Duration after{};
};

struct Timeouts {
  StateTimeout pending_approval{true, std::chrono::hours(72)};
  StateTimeout pending_return{true, std::chrono::hours(168)};
  StateTimeout pending_receive{true, std::chrono::hours(72)};
  bool fill_missing_deadlines = true;

  const StateTimeout& of(TimedState s) const;
};

struct AftersalesJobConfig {
  bool dry_run = false;
  int batch_size = 100;
  int parallelism = 1;
  std::int64_t max_records = 0;  // 0: no cap
  std::string table = "order_aftersales";
  std::string log_table = "order_aftersales_logs";
  std::string notify_channel;  // empty: no pg_notify
  Timeouts timeouts;
  // Dry run: ids listed per transition.
  int sample_size = 10;

  // Timed states whose timeout is enabled, in TimedState order.
  std::vector<TimedState> enabled_states() const;
};

// kInvalid with "spec.batchSize: 0 out of range 1-10000" style messages.
Status validate(const AftersalesJobConfig& config);

}  // namespace orderops::aftersales
