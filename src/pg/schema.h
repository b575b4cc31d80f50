// The OrderOps schema of jobs.md section 1: check() lists what a database lacks (tables, columns,
// indexes, id defaults), migrate() adds exactly that, idempotently, inside one transaction under
// an advisory lock, never touching existing rows. Stateless functions; the Connection they get is
// used by the calling thread only.
//
// Indexes OrderOps adds: on the after-sales table (auto_process_time, id) and (id) WHERE
// auto_process_time IS NULL, both partial on the three timed states (claim and deadline filling);
// the audit table's aftersales_id; profit-share orders (next_sync_at, id) WHERE PROCESSING and
// parent_order_id; receivers' order_id; the bill task key below.
//
// Names that other modules rely on:
//  - bill tasks are unique on ((coalesce(merchant_id, 0)), (coalesce(sub_mch_id, '')), bill_date)
//    (index kBillTaskUniqueIndex), so INSERT ... ON CONFLICT with exactly those expressions works
//    and a shop with several merchants (or NULL sub_mch_id) cannot collide or duplicate;
//  - every table OrderOps inserts into has a default for `id` (identity when created here, an
//    owned sequence starting after max(id) when an existing table had none).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "pg/connection.h"

namespace orderops::pg {

inline constexpr int kSchemaVersion = 1;
inline constexpr std::string_view kMigrationsTable = "orderops_schema_migrations";
inline constexpr std::string_view kBillTaskUniqueIndex = "uniq_orderops_bill_task_merchant_date";
// pg_advisory_xact_lock key ("orderops" in ASCII): replicas migrating at once run one by one.
inline constexpr long long kMigrateLockKey = 0x6F726465726F7073LL;

enum class SchemaPart { kAftersales, kProfitShare };

struct SchemaOptions {
  // spec.database.table / logTable of an AftersalesTimeoutPolicy; [schema.]name.
  std::string aftersales_table = "order_aftersales";
  std::string aftersales_log_table = "order_aftersales_logs";
  std::vector<SchemaPart> parts = {SchemaPart::kAftersales, SchemaPart::kProfitShare};
  // How long migrate() waits for a table lock held by the shop's own traffic before giving up.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(30)};
};

struct SchemaItem {
  // kPrivilege: the connecting user lacks it; migrate() cannot add it (a GRANT is the DBA's call).
  enum class Kind { kTable, kColumn, kIndex, kIdDefault, kPrivilege };
  Kind kind = Kind::kTable;
  std::string table;  // as displayed ([schema.]name); "sequence s" for a sequence privilege
  std::string name;   // column, index or privilege name; empty for kTable / kIdDefault
  // "table order_aftersales_logs", "column order_aftersales.stage", "index x on t",
  // "privilege UPDATE on order_aftersales", ...
  std::string describe() const;
};

struct SchemaReport {
  std::vector<SchemaItem> missing;
  // Highest version in orderops_schema_migrations; nullopt when never migrated by OrderOps.
  std::optional<int> recorded_version;

  bool complete() const { return missing.empty(); }
  // "missing: table a, column b.c" (at most `limit` items, then "and N more").
  std::string summary(std::size_t limit = 10) const;
};

struct MigrateReport {
  std::vector<std::string> applied;  // describe() of each item created
  int version = kSchemaVersion;
};

// kInvalid when a table name is not a valid identifier; database errors as mapped in sqlstate.h.
// Privileges are those of the connecting user: run it with the jobs' own credentials.
Result<SchemaReport> check(Connection& conn, const SchemaOptions& options = {});
// On failure nothing was changed (one transaction). A unique index that existing duplicate rows
// prevent fails with kAlreadyExists (23505) and names the index.
Result<MigrateReport> migrate(Connection& conn, const SchemaOptions& options = {});

}  // namespace orderops::pg
