#include "pg/libpq_connect.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "pg/sqlstate.h"

namespace orderops::pg {

namespace {

// Short poll slices keep a stop request or the deadline from waiting on a silent peer.
constexpr std::chrono::milliseconds kPollSlice{100};

Error connect_error(const SecretScrubber& scrubber, std::string sqlstate, std::string detail) {
  auto message = "connect to " + scrubber.redacted_url() + ": " + scrubber.scrub(detail);
  return sqlstate_error(sqlstate, std::move(message));
}

Error classify_failure(pg_conn* conn, const SecretScrubber& scrubber) {
  const std::string raw = conn ? PQerrorMessage(conn) : "out of memory";
  auto sqlstate = sqlstate_in_message(raw);
  if (sqlstate.empty() && conn && PQconnectionNeedsPassword(conn)) sqlstate = "28000";
  if (sqlstate.empty()) sqlstate = std::string(kClientConnectFailure);
  return connect_error(scrubber, sqlstate, tidy_message(strip_sqlstate(raw, sqlstate)));
}

// A URL libpq cannot parse is bad input, not an outage: say so before trying to connect.
Status parse_url(const std::string& url, const SecretScrubber& scrubber) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (options != nullptr) PQconninfoFree(options);
  if (options != nullptr || err == nullptr) return {};
  std::string message = err;
  PQfreemem(err);
  return std::unexpected(Error{
      ErrorCode::kInvalid,
      "database URL " + scrubber.redacted_url() + ": " + scrubber.scrub(tidy_message(message)),
      {},
      {},
      {}});
}

// True when the socket is ready for the direction libpq asked for (or in error); false when the
// slice passed first. PQconnectPoll must not run before that: while a TCP connect is in flight
// it would take the pending socket for a connected one.
bool wait_socket(pg_conn* conn, PostgresPollingStatusType want, std::chrono::milliseconds slice) {
  pollfd fd{PQsocket(conn), want == PGRES_POLLING_READING ? short(POLLIN) : short(POLLOUT), 0};
  if (fd.fd < 0) return true;
  const int rc = ::poll(&fd, 1, static_cast<int>(slice.count()));
  return rc > 0 || (rc < 0 && errno != EINTR);
}

}  // namespace

void PgConnDeleter::operator()(pg_conn* conn) const noexcept { PQfinish(conn); }

Result<PgConnPtr> connect_libpq(const ConnectOptions& options, const SecretScrubber& scrubber,
                                const Clock& clock, std::stop_token stop) {
  if (auto s = parse_url(options.url, scrubber); !s) return std::unexpected(s.error());
  // Defaults first, the URL after: with expand_dbname the URL's own settings win.
  const std::string app = options.application_name;
  const char* keywords[] = {"application_name",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "dbname",
                            nullptr};
  const char* values[] = {app.c_str(), "1", "30", "10", "3", options.url.c_str(), nullptr};
  PgConnPtr conn(PQconnectStartParams(keywords, values, 1));
  if (!conn || PQstatus(conn.get()) == CONNECTION_BAD) {
    // PQconninfoParse accepts values that only the connect checks ("invalid integer value
    // \"x\" for connection option \"port\"", "invalid sslmode value"); those are bad input too.
    const std::string raw = conn ? PQerrorMessage(conn.get()) : "";
    if (raw.starts_with("invalid ")) {
      return std::unexpected(Error{
          ErrorCode::kInvalid,
          "database URL " + scrubber.redacted_url() + ": " + scrubber.scrub(tidy_message(raw)),
          {},
          {},
          {}});
    }
    return std::unexpected(classify_failure(conn.get(), scrubber));
  }
  // Verbose start-up errors carry the SQLSTATE ("FATAL:  28P01: ..."), which is otherwise lost.
  PQsetErrorVerbosity(conn.get(), PQERRORS_VERBOSE);
  const auto deadline = clock.monotonic() + options.connect_timeout;
  auto state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED)
      return std::unexpected(classify_failure(conn.get(), scrubber));
    if (stop.stop_requested()) {
      return std::unexpected(Error{ErrorCode::kCancelled,
                                   "connect to " + scrubber.redacted_url() + ": cancelled",
                                   {},
                                   {},
                                   {}});
    }
    const auto now = clock.monotonic();
    if (now >= deadline) {
      return std::unexpected(connect_error(
          scrubber, std::string(kClientConnectFailure),
          "timed out after " + std::to_string(options.connect_timeout.count()) + "ms"));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (wait_socket(conn.get(), state,
                    std::clamp(left, std::chrono::milliseconds(1), kPollSlice))) {
      state = PQconnectPoll(conn.get());
    }
  }
  PQsetErrorVerbosity(conn.get(), PQERRORS_DEFAULT);
  return conn;
}

}  // namespace orderops::pg
