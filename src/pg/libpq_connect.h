// The libpq half of opening a session: a non-blocking connect (PQconnectStartParams +
// PQconnectPoll) so the attempt honours a deadline from the injected Clock and a stop token, with
// verbose errors during start-up so refusals carry their SQLSTATE. Internal to src/pg.
// Thread-compatible.
#pragma once

#include <memory>
#include <stop_token>

#include "common/clock.h"
#include "common/error.h"
#include "pg/connection.h"
#include "pg/secret_scrubber.h"

struct pg_conn;

namespace orderops::pg {

struct PgConnDeleter {
  void operator()(pg_conn* conn) const noexcept;
};
using PgConnPtr = std::unique_ptr<pg_conn, PgConnDeleter>;

// Errors: kUnauthorized / kNotFound / kUnavailable / kInvalid / kCancelled, reason the SQLSTATE,
// message "connect to <redacted url>: <libpq message>" with the password scrubbed.
Result<PgConnPtr> connect_libpq(const ConnectOptions& options, const SecretScrubber& scrubber,
                                const Clock& clock, std::stop_token stop);

}  // namespace orderops::pg
