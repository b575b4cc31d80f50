// The table definitions behind schema.h as data: what CREATE TABLE makes on an empty database,
// and which columns and indexes OrderOps needs on an existing one (only those are checked and
// added). Internal to src/pg. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "pg/identifier.h"
#include "pg/schema.h"

namespace orderops::pg {

struct ColumnDef {
  std::string name;
  // Type and constraints for CREATE TABLE.
  std::string create;
  // Type and default for ALTER TABLE ... ADD COLUMN on an existing table; empty: OrderOps does
  // not use the column, so an existing table need not have it (it is neither checked nor added).
  std::string add;
};

struct IndexDef {
  std::string name;
  // Everything after "ON <table>": "(auto_process_time, id) WHERE ...".
  std::string definition;
  bool unique = false;
  // When set, any index whose first key column is this one satisfies the need (Doctrine
  // already indexes foreign key columns under generated names).
  std::string leading_column;
};

struct TableDef {
  TableName table;
  std::vector<ColumnDef> columns;
  // Table constraints appended to CREATE TABLE (foreign keys).
  std::vector<std::string> constraints;
  std::vector<IndexDef> indexes;
  // OrderOps inserts rows, so `id` must have a default.
  bool needs_id_default = false;
  // Table privileges the jobs' statements need (RETURNING and ON CONFLICT DO UPDATE need SELECT);
  // checked for the connecting user so a missing GRANT shows before a run, not as failed rows.
  std::vector<std::string> privileges;
};

// In creation order (referenced tables first). kInvalid names the bad table option.
Result<std::vector<TableDef>> schema_tables(const SchemaOptions& options);

std::string create_table_sql(const TableDef& table);

}  // namespace orderops::pg
