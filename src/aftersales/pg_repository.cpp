#include "aftersales/pg_repository.h"

#include <optional>
#include <utility>

#include "aftersales/notify_payload.h"
#include "aftersales/pg_statements.h"

namespace orderops::aftersales {

namespace {

using IdsByState = std::array<std::vector<std::int64_t>, kTimedStateCount>;

std::optional<TimedState> parse_state(std::string_view s) {
  for (const auto& t : kTransitions) {
    if (t.from == s) return t.state;
  }
  return std::nullopt;
}

Result<std::vector<AppliedChange>> read_changes(const pg::Rows& rows) {
  std::vector<AppliedChange> out;
  out.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto id = rows.int64(r, 0);
    if (!id) return std::unexpected(id.error());
    const auto state = parse_state(rows.text(r, 1));
    if (!state) return make_error(ErrorCode::kInternal, "unexpected state " + rows.text(r, 1));
    out.push_back(AppliedChange{*id, *state});
  }
  return out;
}

pg::Params apply_params(const IdsByState& ids, const std::string& context) {
  pg::Params p;
  for (const auto& list : ids) p.emplace_back(pg::bigint_array(list));
  p.emplace_back(context);
  return p;
}

class PgSession final : public AftersalesSession {
 public:
  PgSession(pg::Connection conn, const pg::TableName& table, const pg::TableName& log,
            std::stop_token stop)
      : conn_(std::move(conn)),
        table_(table),
        log_(log),
        cancel_on_stop_(conn_.canceller(), std::move(stop)) {}

  Result<FillPage> fill_deadlines(const FillRequest& req) override {
    pg::Params params = {std::to_string(req.after_id), std::to_string(req.limit)};
    for (auto after : req.after) {
      params.emplace_back(
          std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(after).count()));
    }
    auto rows = conn_.exec(statements(req.states).fill, params);
    if (!rows) return std::unexpected(rows.error().wrap("fill missing deadlines"));
    FillPage page;
    auto updated = rows->int64(0, 0);
    auto scanned = rows->int64(0, 1);
    auto last = rows->int64(0, 2);
    if (!updated || !scanned || !last) return make_error(ErrorCode::kInternal, "bad fill result");
    page.updated = *updated;
    page.scanned = *scanned;
    page.last_id = *last;
    return page;
  }

  // The common case is one statement, one round trip, in autocommit: claim, transition, audit.
  // With a notify channel it runs in a transaction that also sends the notification.
  Result<BatchOutcome> process_batch(const BatchRequest& req) override {
    const auto& sql = statements(req.states);
    const std::vector<std::int64_t> excluded(req.exclude_ids.begin(), req.exclude_ids.end());
    const auto context = audit_context(req.audit);
    const pg::Params params = {pg::bigint_array(excluded), std::to_string(req.limit),
                               req.after.deadline, std::to_string(req.after.id), context};
    auto batch = req.notify_channel.empty() ? run_batch(sql, params)
                                            : run_batch_and_notify(sql, params, req);
    if (batch || !is_row_level(batch.error())) return batch;
    // Everything of the batch was rolled back; claim again and go row by row.
    return isolate_rows(sql, req, excluded, context);
  }

  Result<DryRunReport> dry_run(const DryRunRequest& req) override {
    const auto& sql = statements(req.states);
    auto tx = conn_.begin(pg::TxOptions{pg::Isolation::kRepeatableRead, true});
    if (!tx) return std::unexpected(tx.error());
    DryRunReport report;
    auto missing = tx->exec(sql.count_missing);
    if (!missing) return std::unexpected(missing.error().wrap("count missing deadlines"));
    report.deadlines_missing = missing->int64(0, 0).value_or(0);
    for (auto s : req.states) report.samples.push_back(Sample{s, {}});
    std::optional<std::pair<std::string, std::string>> key;
    while (!req.stop.stop_requested()) {
      std::int64_t limit = req.page_size;
      if (req.max_rows > 0) limit = std::min(limit, req.max_rows - report.selected);
      if (limit <= 0) break;
      auto page = key ? tx->exec(sql.next_page, {key->first, key->second, std::to_string(limit)})
                      : tx->exec(sql.first_page, {std::to_string(limit)});
      if (!page) return std::unexpected(page.error().wrap("dry run scan"));
      if (auto s = tally(*page, req, report); !s) return std::unexpected(s.error());
      if (static_cast<std::int64_t>(page->size()) < limit) break;
      const auto last = page->size() - 1;
      key.emplace(page->text(last, 2), page->text(last, 0));
    }
    if (auto c = tx->commit(); !c) return std::unexpected(c.error());
    return report;
  }

  Result<Backlog> measure_backlog(const std::vector<TimedState>& states) override {
    auto rows = conn_.exec(statements(states).backlog);
    if (!rows) return std::unexpected(rows.error().wrap("measure backlog"));
    Backlog b;
    for (std::size_t r = 0; r < rows->size(); ++r) {
      const auto state = parse_state(rows->text(r, 0));
      const auto count = rows->int64(r, 1);
      const auto age = rows->int64(r, 2);
      if (!state || !count || !age) return make_error(ErrorCode::kInternal, "bad backlog row");
      b.of(*state) = *count;
      b.total += *count;
      b.oldest_overdue_seconds = std::max(b.oldest_overdue_seconds, *age);
    }
    return b;
  }

 private:
  const Statements& statements(const std::vector<TimedState>& states) {
    if (!cache_ || cache_->first != states) {
      cache_.emplace(states, build_statements(table_, log_, states));
    }
    return cache_->second;
  }

  static Result<BatchOutcome> read_batch(const pg::Rows& rows) {
    BatchOutcome out;
    out.claimed = static_cast<std::int64_t>(rows.size());
    auto claimed = read_changes(rows);
    if (!claimed) return std::unexpected(claimed.error());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (rows.text(r, 2) == "t") out.applied.push_back((*claimed)[r]);
    }
    if (!rows.empty()) out.last = ClaimCursor{rows.text(rows.size() - 1, 3), claimed->back().id};
    return out;
  }

  Result<BatchOutcome> run_batch(const Statements& sql, const pg::Params& params) {
    auto rows = conn_.exec(sql.claim_apply, params);
    if (!rows) return std::unexpected(rows.error().wrap("apply timeouts"));
    return read_batch(*rows);
  }

  Result<BatchOutcome> run_batch_and_notify(const Statements& sql, const pg::Params& params,
                                            const BatchRequest& req) {
    auto tx = conn_.begin();
    if (!tx) return std::unexpected(tx.error());
    auto rows = tx->exec(sql.claim_apply, params);
    if (!rows) return std::unexpected(rows.error().wrap("apply timeouts"));
    auto out = read_batch(*rows);
    if (!out) return out;
    if (auto s = finish(*tx, req, *out); !s) return std::unexpected(s.error());
    return out;
  }

  // One savepoint per row: a row that fails is rolled back alone and named.
  Result<BatchOutcome> isolate_rows(const Statements& sql, const BatchRequest& req,
                                    const std::vector<std::int64_t>& excluded,
                                    const std::string& context) {
    auto tx = conn_.begin();
    if (!tx) return std::unexpected(tx.error());
    auto claimed = tx->exec(sql.claim, {pg::bigint_array(excluded), std::to_string(req.limit),
                                        req.after.deadline, std::to_string(req.after.id)});
    if (!claimed) return std::unexpected(claimed.error().wrap("claim overdue rows"));
    auto rows = read_changes(*claimed);
    if (!rows) return std::unexpected(rows.error());
    BatchOutcome out;
    out.claimed = static_cast<std::int64_t>(rows->size());
    if (!rows->empty()) out.last = ClaimCursor{claimed->text(rows->size() - 1, 2), rows->back().id};
    for (const auto& row : *rows) {
      IdsByState one;
      one[static_cast<std::size_t>(row.from)].push_back(row.id);
      auto r = tx->exec_guarded(sql.apply, apply_params(one, context));
      if (!r && !is_row_level(r.error())) return std::unexpected(r.error().wrap("apply timeout"));
      if (!r) {
        out.failed.push_back(RowFailure{row.id, r.error().message});
      } else if (!r->empty()) {
        out.applied.push_back(row);
      }
    }
    if (auto s = finish(*tx, req, out); !s) return std::unexpected(s.error());
    return out;
  }

  // Notifications are sent on commit only, so a rolled-back batch announces nothing.
  Status finish(pg::Transaction& tx, const BatchRequest& req, const BatchOutcome& out) {
    if (!req.notify_channel.empty() && !out.applied.empty()) {
      const auto payload = notify_payload(req.audit, table_.display(), out.applied);
      if (auto r = tx.exec("SELECT pg_notify($1, $2)", {req.notify_channel, payload}); !r) {
        return std::unexpected(r.error().wrap("pg_notify"));
      }
    }
    return tx.commit();
  }

  static Status tally(const pg::Rows& page, const DryRunRequest& req, DryRunReport& report) {
    auto rows = read_changes(page);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& row : *rows) {
      ++report.selected;
      ++report.by_state[static_cast<std::size_t>(row.from)];
      for (auto& s : report.samples) {
        if (s.from == row.from && static_cast<int>(s.ids.size()) < req.sample_size) {
          s.ids.push_back(row.id);
        }
      }
    }
    return {};
  }

  pg::Connection conn_;
  pg::TableName table_;
  pg::TableName log_;
  std::optional<std::pair<std::vector<TimedState>, Statements>> cache_;
  // Declared last: stops cancelling before the connection goes away.
  pg::CancelOnStop cancel_on_stop_;
};

class PgStore final : public AftersalesStore {
 public:
  PgStore(PgAftersalesOptions options, pg::TableName table, pg::TableName log, const Clock& clock)
      : options_(std::move(options)),
        table_(std::move(table)),
        log_(std::move(log)),
        clock_(clock) {}

  Result<std::unique_ptr<AftersalesSession>> open_session(std::stop_token stop) override {
    auto conn = pg::Connection::open(options_.connect, clock_, stop);
    if (!conn) return std::unexpected(conn.error());
    return std::unique_ptr<AftersalesSession>(
        std::make_unique<PgSession>(std::move(*conn), table_, log_, std::move(stop)));
  }

 private:
  const PgAftersalesOptions options_;
  const pg::TableName table_;
  const pg::TableName log_;
  const Clock& clock_;
};

}  // namespace

bool is_row_level(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalid:
      // Class 42 is a schema problem (missing table or column): every row would fail alike.
      return !error.reason.starts_with("42");
    case ErrorCode::kInternal:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return true;
    default:
      return false;
  }
}

Result<std::unique_ptr<AftersalesStore>> make_pg_aftersales_store(PgAftersalesOptions options,
                                                                  const Clock& clock) {
  auto table = pg::TableName::parse(options.table, "spec.database.table");
  if (!table) return std::unexpected(table.error());
  auto log = pg::TableName::parse(options.log_table, "spec.database.logTable");
  if (!log) return std::unexpected(log.error());
  return std::unique_ptr<AftersalesStore>(
      std::make_unique<PgStore>(std::move(options), std::move(*table), std::move(*log), clock));
}

}  // namespace orderops::aftersales
