// The port between the ATP job and its database: a store opens sessions (one connection each,
// one per worker), and a session does the set-based work of one step. The PostgreSQL adapter is
// pg_repository.h; unit tests use a fake. A store is shared by the workers of one run and must be
// thread-safe; a session is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "aftersales/run_result.h"
#include "aftersales/transition.h"
#include "common/clock.h"
#include "common/error.h"

namespace orderops::aftersales {

// What the audit rows and notifications say about the run.
struct AuditInfo {
  std::string run_id;
  std::string policy_namespace;
  std::string policy_name;
};

struct FillRequest {
  std::vector<TimedState> states;                // enabled timed states
  std::array<Duration, kTimedStateCount> after;  // by TimedState
  int limit = 100;
  std::int64_t after_id = 0;  // keyset: only rows with a larger id
};

struct FillPage {
  std::int64_t updated = 0;
  std::int64_t scanned = 0;  // rows looked at in this page (< limit: the table is done)
  std::int64_t last_id = 0;  // resume after this id
};

// Where a worker's next claim starts: after the last (deadline, id) it claimed. Rows behind it
// that were locked by someone else when the worker passed (SKIP LOCKED) are left to their holder
// or to the next run, as a batch that ends short already leaves them.
struct ClaimCursor {
  std::string deadline = "-infinity";  // timestamptz text, as PostgreSQL printed it
  std::int64_t id = std::numeric_limits<std::int64_t>::min();
};

struct BatchRequest {
  std::vector<TimedState> states;
  int limit = 100;
  ClaimCursor after;
  // Rows that already failed in this run; claiming them again would loop on them.
  std::span<const std::int64_t> exclude_ids;
  AuditInfo audit;
  std::string notify_channel;  // empty: no pg_notify
};

struct AppliedChange {
  std::int64_t id = 0;
  TimedState from = TimedState::kPendingApproval;
};

struct RowFailure {
  std::int64_t id = 0;
  std::string message;
};

struct BatchOutcome {
  std::int64_t claimed = 0;         // rows locked by this batch (< limit: nothing more to claim)
  std::optional<ClaimCursor> last;  // the last row claimed; the next batch starts after it
  std::vector<AppliedChange> applied;
  std::vector<RowFailure> failed;
};

struct DryRunRequest {
  std::vector<TimedState> states;
  int page_size = 100;
  std::int64_t max_rows = 0;  // 0: all
  int sample_size = 10;
  std::stop_token stop;
};

struct DryRunReport {
  std::int64_t selected = 0;
  std::array<std::int64_t, kTimedStateCount> by_state{};
  std::vector<Sample> samples;
  std::int64_t deadlines_missing = 0;
};

class AftersalesSession {
 public:
  virtual ~AftersalesSession() = default;

  // Gives rows of the requested states without a deadline now() + after (pending_return only for
  // the return types), one keyset page at a time.
  virtual Result<FillPage> fill_deadlines(const FillRequest& request) = 0;
  // In one transaction: claim up to `limit` overdue rows (FOR UPDATE SKIP LOCKED, oldest deadline
  // first), apply the transitions guarded by state, write one audit row each, notify once; a
  // statement that fails for the batch is retried row by row so only bad rows fail. Errors are
  // whole-batch failures (connection, cancellation, schema); nothing of the batch was applied.
  virtual Result<BatchOutcome> process_batch(const BatchRequest& request) = 0;
  // Read-only, keyset-paged: what process_batch would change, and rows lacking a deadline.
  virtual Result<DryRunReport> dry_run(const DryRunRequest& request) = 0;
  // Overdue rows per enabled state and the oldest overdue age.
  virtual Result<Backlog> measure_backlog(const std::vector<TimedState>& states) = 0;
};

class AftersalesStore {
 public:
  virtual ~AftersalesStore() = default;
  // A statement running when `stop` is requested is cancelled (the batch rolls back).
  virtual Result<std::unique_ptr<AftersalesSession>> open_session(std::stop_token stop) = 0;
};

}  // namespace orderops::aftersales
