// The PostgreSQL adapter of the ATP repository port: each session is its own connection
// (src/pg), statements are set-based per batch (one claim, one UPDATE per state and one audit
// INSERT in a single statement), and a batch whose statement fails is retried row by row under
// savepoints. The store is thread-safe; sessions are used by one thread each.
#pragma once

#include <memory>
#include <string>

#include "aftersales/repository.h"
#include "common/clock.h"
#include "pg/connection.h"

namespace orderops::aftersales {

struct PgAftersalesOptions {
  pg::ConnectOptions connect;
  std::string table = "order_aftersales";
  std::string log_table = "order_aftersales_logs";
};

// kInvalid when a table name is not a valid identifier (the message names the spec field).
// `clock` times connection attempts and must outlive the store.
Result<std::unique_ptr<AftersalesStore>> make_pg_aftersales_store(PgAftersalesOptions options,
                                                                  const Clock& clock);

// Errors that belong to a row (data, constraint, trigger) rather than to the batch (connection,
// cancellation, timeout, schema): those are worth a row-by-row retry.
bool is_row_level(const Error& error);

}  // namespace orderops::aftersales
