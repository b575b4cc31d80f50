// One PostgreSQL session (libpqxx over libpq) behind a pimpl: connect with a timeout and a stop
// token, run statements in autocommit or in an RAII Transaction, cancel a running statement from
// another thread. Every failure comes back as orderops::Error (SQLSTATE mapped in sqlstate.h) and
// no message ever contains the password of the URL. A Connection is used by one thread at a time;
// only Canceller may be used concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "pg/rows.h"

namespace orderops::pg {

struct ConnectOptions {
  // libpq URI (postgresql://user:pw@host:5432/db?sslmode=...) or keyword DSN. Never shown as is.
  std::string url;
  // Whole connection attempt, all hosts together.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // Session defaults; zero leaves the server's setting. A transaction may override them.
  std::chrono::milliseconds statement_timeout{0};
  std::chrono::milliseconds lock_timeout{0};
  // A session that dies while holding row locks must not keep them: the server ends it.
  std::chrono::milliseconds idle_in_transaction_timeout{std::chrono::minutes(1)};
  std::string application_name = "orderops";
};

// Sends a cancel request for whatever statement the session is running; safe from any thread and
// after the Connection is gone (then it does nothing useful and no harm).
class Canceller {
 public:
  struct State;
  Canceller() = default;
  explicit Canceller(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void cancel() const noexcept;

 private:
  std::shared_ptr<State> state_;
};

// Cancels the connection's running statement when `stop` is requested, for the lifetime of this
// object (a run's deadline or lost leadership should not wait for a long statement).
class CancelOnStop {
 public:
  CancelOnStop(Canceller canceller, std::stop_token stop);
  CancelOnStop(const CancelOnStop&) = delete;
  CancelOnStop& operator=(const CancelOnStop&) = delete;

 private:
  struct Fire {
    Canceller canceller;
    void operator()() const noexcept { canceller.cancel(); }
  };
  std::stop_callback<Fire> callback_;
};

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct TxOptions {
  Isolation isolation = Isolation::kReadCommitted;
  bool read_only = false;
  // Overrides the session value for this transaction only (SET LOCAL).
  std::optional<std::chrono::milliseconds> statement_timeout;
  std::optional<std::chrono::milliseconds> lock_timeout;
};

class Connection;

// A database transaction; rolls back in its destructor unless commit() succeeded. Must not
// outlive its Connection; while it is open the Connection runs nothing else.
class Transaction {
 public:
  struct Impl;
  explicit Transaction(std::unique_ptr<Impl> impl);
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;
  ~Transaction();

  // Several ;-separated statements are allowed only without parameters.
  Result<Rows> exec(std::string_view sql, const Params& params = {});
  // Runs `sql` under a savepoint: on failure only this statement is undone and the transaction
  // stays usable (isolates one bad row inside a batch).
  Result<Rows> exec_guarded(std::string_view sql, const Params& params = {});
  Status commit();
  // Ends the transaction now instead of at destruction; later calls fail.
  void rollback() noexcept;

 private:
  std::unique_ptr<Impl> impl_;
};

class Connection {
 public:
  struct Impl;

  // Fails with kUnauthorized (28P01/28000), kNotFound (3D000), kUnavailable (refused,
  // unreachable, timed out, 08xxx, 57P0x), kCancelled (stop requested), kInvalid (bad URL).
  static Result<Connection> open(const ConnectOptions& options, const Clock& clock,
                                 std::stop_token stop = {});

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Autocommit statement(s).
  Result<Rows> exec(std::string_view sql, const Params& params = {});
  Result<Transaction> begin(const TxOptions& options = {});

  Canceller canceller() const;
  // The URL with its password replaced, for messages and logs.
  const std::string& redacted_url() const;
  int backend_pid() const;
  // False once the session broke (the server went away or was terminated); open a new one.
  bool is_open() const;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Opens a session and runs `SELECT 1`; for reachability probes (reconciler, db check).
Status ping(const ConnectOptions& options, const Clock& clock, std::stop_token stop = {});

}  // namespace orderops::pg
