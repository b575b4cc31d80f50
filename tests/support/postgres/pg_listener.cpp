#include "postgres/pg_listener.h"

#include <libpq-fe.h>
#include <poll.h>

#include "common/clock.h"
#include "pg/identifier.h"

namespace orderops::testing {

struct PgListener::Impl {
  ~Impl() { PQfinish(conn); }
  PGconn* conn = nullptr;
};

PgListener::PgListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgListener::~PgListener() = default;

Result<std::unique_ptr<PgListener>> PgListener::open(const std::string& url,
                                                     const std::string& channel) {
  auto impl = std::make_unique<Impl>();
  impl->conn = PQconnectdb(url.c_str());
  if (PQstatus(impl->conn) != CONNECTION_OK) {
    return make_error(ErrorCode::kUnavailable, PQerrorMessage(impl->conn));
  }
  const auto sql = "LISTEN " + pg::quote_identifier(channel);
  PGresult* res = PQexec(impl->conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  if (!ok) return make_error(ErrorCode::kInternal, PQerrorMessage(impl->conn));
  return std::unique_ptr<PgListener>(new PgListener(std::move(impl)));
}

std::optional<std::string> PgListener::next(std::chrono::milliseconds timeout) {
  const SystemClock clock;
  const auto deadline = clock.monotonic() + timeout;
  while (true) {
    PQconsumeInput(impl_->conn);
    if (PGnotify* n = PQnotifies(impl_->conn)) {
      std::string payload = n->extra;
      PQfreemem(n);
      return payload;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.monotonic());
    if (left.count() <= 0) return std::nullopt;
    pollfd fd{PQsocket(impl_->conn), POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(left.count()));
  }
}

}  // namespace orderops::testing
