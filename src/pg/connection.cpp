#include "pg/connection.h"

#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "pg/libpq_connect.h"
#include "pg/sqlstate.h"

namespace orderops::pg {

struct Canceller::State {
  std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> handle{nullptr, &PQfreeCancel};
  // Lets a 57014 from our own cancel read as kCancelled and one from statement_timeout as kTimeout.
  std::atomic<bool> requested{false};
};

void Canceller::cancel() const noexcept {
  if (!state_ || !state_->handle) return;
  state_->requested = true;
  char errbuf[256];
  PQcancel(state_->handle.get(), errbuf, sizeof errbuf);
}

CancelOnStop::CancelOnStop(Canceller canceller, std::stop_token stop)
    : callback_(std::move(stop), Fire{std::move(canceller)}) {}

namespace {

// Hands pqxx the session libpq already opened, and refuses pqxx's silent reconnect after a break:
// a new session would lose the transaction the caller believes it is in.
class AdoptPolicy final : public pqxx::connectionpolicy {
 public:
  explicit AdoptPolicy(PgConnPtr conn)
      : pqxx::connectionpolicy(std::string{}), conn_(std::move(conn)) {}
  handle do_startconnect(handle orig) override {
    if (orig != nullptr) return orig;
    if (!conn_) throw pqxx::broken_connection("the database connection was lost");
    return conn_.release();
  }

 private:
  PgConnPtr conn_;
};

class Session final : public pqxx::connection_base {
 public:
  explicit Session(PgConnPtr conn) : pqxx::connection_base(policy_), policy_(std::move(conn)) {
    init();
  }
  ~Session() noexcept { close(); }

 private:
  AdoptPolicy policy_;
};

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()); }

std::string isolation_sql(Isolation i) {
  switch (i) {
    case Isolation::kRepeatableRead:
      return "REPEATABLE READ";
    case Isolation::kSerializable:
      return "SERIALIZABLE";
    case Isolation::kReadCommitted:
      break;
  }
  return "READ COMMITTED";
}

Rows to_rows(const pqxx::result& r) {
  std::vector<std::string> columns;
  columns.reserve(r.columns());
  for (pqxx::row::size_type c = 0; c < r.columns(); ++c) columns.emplace_back(r.column_name(c));
  std::vector<std::vector<Rows::Cell>> rows;
  rows.reserve(r.size());
  for (const auto& row : r) {
    auto& out = rows.emplace_back();
    out.reserve(row.size());
    for (const auto& f : row) {
      out.push_back(f.is_null() ? Rows::Cell{} : Rows::Cell{std::string(f.c_str(), f.size())});
    }
  }
  return Rows(std::move(columns), std::move(rows), r.affected_rows());
}

Rows run(pqxx::transaction_base& tx, std::string_view sql, const Params& params) {
  if (params.empty()) return to_rows(tx.exec(std::string(sql)));
  return to_rows(tx.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(params)));
}

}  // namespace

struct Connection::Impl {
  explicit Impl(std::string_view url) : scrubber(url) {}

  // Translates the exception in flight; call only inside a catch block.
  Error translate_current() const {
    try {
      throw;
    } catch (const pqxx::sql_error& e) {
      auto state = e.sqlstate();
      auto err = sqlstate_error(state.empty() ? "XX000" : state, clean(e.what()));
      if (state == "57014" && !cancel->requested) err.code = ErrorCode::kTimeout;
      return err;
    } catch (const pqxx::in_doubt_error& e) {
      return sqlstate_error(kTransactionResolutionUnknown,
                            "commit outcome unknown, the connection broke: " + clean(e.what()));
    } catch (const pqxx::broken_connection& e) {
      return sqlstate_error(kConnectionFailure, "connection lost: " + clean(e.what()));
    } catch (const std::exception& e) {
      return Error{ErrorCode::kInternal, clean(e.what()), {}, {}, {}};
    } catch (...) {
      return Error{ErrorCode::kInternal, "unknown failure in the PostgreSQL client", {}, {}, {}};
    }
  }

  std::string clean(std::string_view what) const { return scrubber.scrub(tidy_message(what)); }

  SecretScrubber scrubber;
  std::shared_ptr<Canceller::State> cancel = std::make_shared<Canceller::State>();
  std::unique_ptr<Session> session;
  // Declared after the session so it unregisters first.
  std::unique_ptr<pqxx::quiet_errorhandler> quiet;
  int pid = 0;
};

struct Transaction::Impl {
  Connection::Impl* conn = nullptr;
  std::unique_ptr<pqxx::work> work;
  bool aborted = false;
};

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::Transaction(Transaction&&) noexcept = default;
Transaction& Transaction::operator=(Transaction&&) noexcept = default;
// pqxx::work rolls back in its destructor and reports failures as notices, never throws.
Transaction::~Transaction() = default;

Result<Rows> Transaction::exec(std::string_view sql, const Params& params) {
  if (!impl_ || !impl_->work) return make_error(ErrorCode::kInternal, "transaction is finished");
  try {
    return run(*impl_->work, sql, params);
  } catch (...) {
    impl_->aborted = true;
    return std::unexpected(impl_->conn->translate_current());
  }
}

// Explicit SAVEPOINT statements: pqxx 6.4's subtransaction never issues its SAVEPOINT when the
// statement inside goes through exec_params, so it cannot be used here.
Result<Rows> Transaction::exec_guarded(std::string_view sql, const Params& params) {
  if (!impl_ || !impl_->work) return make_error(ErrorCode::kInternal, "transaction is finished");
  auto& work = *impl_->work;
  try {
    work.exec("SAVEPOINT orderops_guard");
  } catch (...) {
    impl_->aborted = true;
    return std::unexpected(impl_->conn->translate_current());
  }
  try {
    auto rows = run(work, sql, params);
    work.exec("RELEASE SAVEPOINT orderops_guard");
    return rows;
  } catch (...) {
    auto err = impl_->conn->translate_current();
    try {
      work.exec("ROLLBACK TO SAVEPOINT orderops_guard");
      work.exec("RELEASE SAVEPOINT orderops_guard");
    } catch (...) {
      impl_->aborted = true;
    }
    return std::unexpected(std::move(err));
  }
}

Status Transaction::commit() {
  if (!impl_ || !impl_->work) return make_error(ErrorCode::kInternal, "transaction is finished");
  // The server answers COMMIT of a failed transaction with ROLLBACK, not an error; pqxx would
  // report success. Refuse instead, so no caller counts rolled-back work as done.
  if (impl_->aborted) {
    impl_->work.reset();
    return make_error(ErrorCode::kInternal,
                      "transaction rolled back: a statement in it failed earlier");
  }
  try {
    impl_->work->commit();
    impl_->work.reset();
    return {};
  } catch (...) {
    auto err = impl_->conn->translate_current();
    impl_->work.reset();
    return std::unexpected(std::move(err));
  }
}

void Transaction::rollback() noexcept {
  if (impl_) impl_->work.reset();
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Result<Connection> Connection::open(const ConnectOptions& options, const Clock& clock,
                                    std::stop_token stop) {
  auto impl = std::make_unique<Impl>(options.url);
  auto conn = connect_libpq(options, impl->scrubber, clock, std::move(stop));
  if (!conn) return std::unexpected(conn.error());
  impl->cancel->handle.reset(PQgetCancel(conn->get()));
  impl->pid = PQbackendPID(conn->get());
  try {
    impl->session = std::make_unique<Session>(std::move(*conn));
    impl->quiet = std::make_unique<pqxx::quiet_errorhandler>(*impl->session);
  } catch (...) {
    return std::unexpected(impl->translate_current());
  }
  // NOTICEs such as "relation already exists, skipping" are noise for an operator.
  std::string setup = "SET client_min_messages = warning";
  if (options.statement_timeout.count() > 0) {
    setup += "; SET statement_timeout = " + millis(options.statement_timeout);
  }
  if (options.lock_timeout.count() > 0) {
    setup += "; SET lock_timeout = " + millis(options.lock_timeout);
  }
  if (options.idle_in_transaction_timeout.count() > 0) {
    setup += "; SET idle_in_transaction_session_timeout = " +
             millis(options.idle_in_transaction_timeout);
  }
  Connection out(std::move(impl));
  if (auto r = out.exec(setup); !r) return std::unexpected(r.error());
  return out;
}

Result<Rows> Connection::exec(std::string_view sql, const Params& params) {
  try {
    pqxx::nontransaction tx(*impl_->session);
    return run(tx, sql, params);
  } catch (...) {
    return std::unexpected(impl_->translate_current());
  }
}

Result<Transaction> Connection::begin(const TxOptions& options) {
  auto tx = std::make_unique<Transaction::Impl>();
  tx->conn = impl_.get();
  // The default transaction needs no set-up statement: one round trip less per batch.
  std::string setup;
  if (options.isolation != Isolation::kReadCommitted || options.read_only) {
    setup = "SET TRANSACTION ISOLATION LEVEL " + isolation_sql(options.isolation);
    if (options.read_only) setup += " READ ONLY";
  }
  if (options.statement_timeout) {
    setup += (setup.empty() ? "" : "; ") + std::string("SET LOCAL statement_timeout = ") +
             millis(*options.statement_timeout);
  }
  if (options.lock_timeout) {
    setup += (setup.empty() ? "" : "; ") + std::string("SET LOCAL lock_timeout = ") +
             millis(*options.lock_timeout);
  }
  try {
    tx->work = std::make_unique<pqxx::work>(*impl_->session);
    if (!setup.empty()) tx->work->exec(setup);
  } catch (...) {
    return std::unexpected(impl_->translate_current());
  }
  return Transaction(std::move(tx));
}

Canceller Connection::canceller() const { return Canceller(impl_->cancel); }

const std::string& Connection::redacted_url() const { return impl_->scrubber.redacted_url(); }

int Connection::backend_pid() const { return impl_->pid; }

bool Connection::is_open() const { return impl_->session && impl_->session->is_open(); }

Status ping(const ConnectOptions& options, const Clock& clock, std::stop_token stop) {
  auto conn = Connection::open(options, clock, std::move(stop));
  if (!conn) return std::unexpected(conn.error());
  if (auto r = conn->exec("SELECT 1"); !r) return std::unexpected(r.error());
  return {};
}

}  // namespace orderops::pg
