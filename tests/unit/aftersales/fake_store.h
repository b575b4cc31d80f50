// An in-memory AftersalesStore for unit tests of the job logic: rows with a state and a due flag,
// a batch is claimed and applied atomically under one mutex (as FOR UPDATE SKIP LOCKED plus the
// state guard make it in PostgreSQL), plus switches to fail rows, batches or connections and a
// hook per batch. Thread-safe.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "aftersales/repository.h"

namespace orderops::aftersales::testing {

struct FakeRow {
  TimedState state = TimedState::kPendingApproval;
  bool due = true;
  bool has_deadline = true;
  bool done = false;
  int times_applied = 0;
};

class FakeStore final : public AftersalesStore {
 public:
  // Rows [first, first + n) in `state`.
  void add(std::int64_t first, int n, TimedState state, bool due = true, bool deadline = true) {
    std::lock_guard lock(mu_);
    for (std::int64_t id = first; id < first + n; ++id) rows_[id] = FakeRow{state, due, deadline};
  }

  template <class F>
  auto locked(F f) const {
    std::lock_guard lock(mu_);
    return f();
  }

  // --- switches ---
  std::set<std::int64_t> failing_ids;
  // The batch with this 1-based number fails as a whole with `batch_error`.
  int fail_batch_number = 0;
  Error batch_error{ErrorCode::kUnavailable, "connection lost", "08006", {}, {}};
  // open_session fails after this many successful opens (-1: never).
  int sessions_allowed = -1;
  Error open_error{ErrorCode::kUnauthorized, "password authentication failed", "28P01", {}, {}};
  // Called after each batch was applied, with its 1-based number (outside the lock).
  std::function<void(int)> after_batch;

  // --- observations ---
  int opens() const {
    return locked([&] { return opens_; });
  }
  int batches() const {
    return locked([&] { return batches_; });
  }
  std::vector<int> limits() const {
    return locked([&] { return limits_; });
  }
  std::vector<std::vector<std::int64_t>> exclusions() const {
    return locked([&] { return exclusions_; });
  }
  int fill_calls() const {
    return locked([&] { return fill_calls_; });
  }
  int dry_runs() const {
    return locked([&] { return dry_runs_; });
  }
  int backlog_calls() const {
    return locked([&] { return backlog_calls_; });
  }
  std::map<std::int64_t, FakeRow> rows() const {
    return locked([&] { return rows_; });
  }

  Result<std::unique_ptr<AftersalesSession>> open_session(std::stop_token) override;

 private:
  friend class FakeSession;

  Result<BatchOutcome> process(const BatchRequest& req) {
    int number = 0;
    BatchOutcome out;
    {
      std::lock_guard lock(mu_);
      number = ++batches_;
      limits_.push_back(req.limit);
      exclusions_.emplace_back(req.exclude_ids.begin(), req.exclude_ids.end());
      if (number == fail_batch_number) return std::unexpected(batch_error);
      for (auto& [id, row] : rows_) {
        if (out.claimed == req.limit) break;
        const bool excluded =
            std::find(req.exclude_ids.begin(), req.exclude_ids.end(), id) != req.exclude_ids.end();
        const bool wanted =
            std::find(req.states.begin(), req.states.end(), row.state) != req.states.end();
        if (row.done || !row.due || !row.has_deadline || excluded || !wanted) continue;
        ++out.claimed;
        if (failing_ids.contains(id)) {
          out.failed.push_back(RowFailure{id, "row " + std::to_string(id) + " is broken"});
          continue;
        }
        row.done = true;
        ++row.times_applied;
        out.applied.push_back(AppliedChange{id, row.state});
      }
    }
    if (after_batch) after_batch(number);
    return out;
  }

  Result<FillPage> fill(const FillRequest& req) {
    std::lock_guard lock(mu_);
    ++fill_calls_;
    FillPage page;
    page.last_id = req.after_id;
    for (auto it = rows_.upper_bound(req.after_id); it != rows_.end(); ++it) {
      if (page.scanned == req.limit) break;
      auto& row = it->second;
      const bool wanted =
          std::find(req.states.begin(), req.states.end(), row.state) != req.states.end();
      if (row.has_deadline || !wanted) continue;
      ++page.scanned;
      page.last_id = it->first;
      row.has_deadline = true;
      row.due = false;  // now() + after is in the future
      ++page.updated;
    }
    return page;
  }

  mutable std::mutex mu_;
  std::map<std::int64_t, FakeRow> rows_;
  int opens_ = 0;
  int batches_ = 0;
  std::vector<int> limits_;
  std::vector<std::vector<std::int64_t>> exclusions_;
  int fill_calls_ = 0;
  int dry_runs_ = 0;
  int backlog_calls_ = 0;
};

class FakeSession final : public AftersalesSession {
 public:
  explicit FakeSession(FakeStore& store) : store_(store) {}
  Result<FillPage> fill_deadlines(const FillRequest& req) override { return store_.fill(req); }
  Result<BatchOutcome> process_batch(const BatchRequest& req) override {
    return store_.process(req);
  }
  Result<DryRunReport> dry_run(const DryRunRequest& req) override {
    std::lock_guard lock(store_.mu_);
    ++store_.dry_runs_;
    DryRunReport report;
    for (auto s : req.states) report.samples.push_back(Sample{s, {}});
    for (const auto& [id, row] : store_.rows_) {
      if (!row.has_deadline) ++report.deadlines_missing;
      if (row.done || !row.due || !row.has_deadline) continue;
      if (req.max_rows > 0 && report.selected == req.max_rows) break;
      ++report.selected;
      ++report.by_state[static_cast<std::size_t>(row.state)];
      for (auto& s : report.samples) {
        if (s.from == row.state && static_cast<int>(s.ids.size()) < req.sample_size) {
          s.ids.push_back(id);
        }
      }
    }
    return report;
  }
  Result<Backlog> measure_backlog(const std::vector<TimedState>&) override {
    std::lock_guard lock(store_.mu_);
    ++store_.backlog_calls_;
    Backlog b;
    for (const auto& [id, row] : store_.rows_) {
      if (row.done || !row.due || !row.has_deadline) continue;
      ++b.of(row.state);
      ++b.total;
    }
    return b;
  }

 private:
  FakeStore& store_;
};

inline Result<std::unique_ptr<AftersalesSession>> FakeStore::open_session(std::stop_token) {
  std::lock_guard lock(mu_);
  if (sessions_allowed >= 0 && opens_ >= sessions_allowed) return std::unexpected(open_error);
  ++opens_;
  return std::unique_ptr<AftersalesSession>(std::make_unique<FakeSession>(*this));
}

}  // namespace orderops::aftersales::testing
