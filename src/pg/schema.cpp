#include "pg/schema.h"

#include <set>

#include "pg/schema_catalog.h"

namespace orderops::pg {

namespace {

struct Catalog {
  bool exists = false;
  std::set<std::string> columns;
  bool id_has_default = false;
  std::set<std::string> index_names;
  std::set<std::string> index_leading_columns;
  std::vector<std::string> missing_privileges;
  // The sequence behind a serial `id` the user may not use (identity columns need no grant).
  std::string unusable_id_sequence;
};

constexpr std::string_view kColumnsSql =
    "SELECT a.attname, (a.attidentity <> '' OR d.adbin IS NOT NULL) "
    "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped";

constexpr std::string_view kMissingPrivilegesSql =
    "SELECT p FROM unnest($2::text[]) WITH ORDINALITY AS u(p, n) "
    "WHERE NOT has_table_privilege(to_regclass($1), p) ORDER BY n";

constexpr std::string_view kUnusableIdSequenceSql =
    "SELECT s FROM (SELECT pg_get_serial_sequence($1, 'id') AS s) q "
    "WHERE s IS NOT NULL AND NOT has_sequence_privilege(s, 'USAGE') "
    "AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) "
    "AND attname = 'id' AND attidentity <> '')";

// {"SELECT","UPDATE"} -> {SELECT,UPDATE}, a text[] literal (the names are ours, never input).
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) out += (out.size() > 1 ? "," : "") + item;
  return out + "}";
}

constexpr std::string_view kIndexesSql =
    "SELECT ic.relname, coalesce(a.attname, '') FROM pg_index i "
    "JOIN pg_class ic ON ic.oid = i.indexrelid "
    "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
    "WHERE i.indrelid = to_regclass($1)";

// Works on a Connection (check) and inside the migration's Transaction alike.
template <class Q>
Status read_privileges(Q& q, const TableDef& def, Catalog& c) {
  if (!def.privileges.empty()) {
    auto missing = q.exec(kMissingPrivilegesSql, {def.table.quoted(), text_array(def.privileges)});
    if (!missing) return std::unexpected(missing.error());
    for (std::size_t r = 0; r < missing->size(); ++r) {
      c.missing_privileges.push_back(missing->text(r, 0));
    }
  }
  if (def.needs_id_default && c.id_has_default) {
    auto seq = q.exec(kUnusableIdSequenceSql, {def.table.quoted()});
    if (!seq) return std::unexpected(seq.error());
    if (seq->size() > 0) c.unusable_id_sequence = seq->text(0, 0);
  }
  return {};
}

template <class Q>
Result<Catalog> read_catalog(Q& q, const TableDef& def) {
  const auto& table = def.table;
  Catalog c;
  auto exists = q.exec("SELECT to_regclass($1) IS NOT NULL", {table.quoted()});
  if (!exists) return std::unexpected(exists.error());
  c.exists = exists->text(0, 0) == "t";
  if (!c.exists) return c;
  auto columns = q.exec(kColumnsSql, {table.quoted()});
  if (!columns) return std::unexpected(columns.error());
  for (std::size_t r = 0; r < columns->size(); ++r) {
    c.columns.insert(columns->text(r, 0));
    if (columns->text(r, 0) == "id") c.id_has_default = columns->text(r, 1) == "t";
  }
  auto indexes = q.exec(kIndexesSql, {table.quoted()});
  if (!indexes) return std::unexpected(indexes.error());
  for (std::size_t r = 0; r < indexes->size(); ++r) {
    c.index_names.insert(indexes->text(r, 0));
    c.index_leading_columns.insert(indexes->text(r, 1));
  }
  if (auto p = read_privileges(q, def, c); !p) return std::unexpected(p.error());
  return c;
}

void missing_in(const TableDef& def, const Catalog& c, std::vector<SchemaItem>& out) {
  const auto table = def.table.display();
  if (!c.exists) {
    out.push_back(SchemaItem{SchemaItem::Kind::kTable, table, {}});
  } else {
    for (const auto& col : def.columns) {
      if (!col.add.empty() && !c.columns.contains(col.name)) {
        out.push_back(SchemaItem{SchemaItem::Kind::kColumn, table, col.name});
      }
    }
    if (def.needs_id_default && c.columns.contains("id") && !c.id_has_default) {
      out.push_back(SchemaItem{SchemaItem::Kind::kIdDefault, table, "id"});
    }
    for (const auto& privilege : c.missing_privileges) {
      out.push_back(SchemaItem{SchemaItem::Kind::kPrivilege, table, privilege});
    }
    if (!c.unusable_id_sequence.empty()) {
      out.push_back(
          SchemaItem{SchemaItem::Kind::kPrivilege, "sequence " + c.unusable_id_sequence, "USAGE"});
    }
  }
  for (const auto& idx : def.indexes) {
    const bool covered =
        c.index_names.contains(idx.name) ||
        (!idx.leading_column.empty() && c.index_leading_columns.contains(idx.leading_column));
    if (!covered) out.push_back(SchemaItem{SchemaItem::Kind::kIndex, table, idx.name});
  }
}

// A user without SELECT on the version table gets a kPrivilege item in `missing`, not an error.
template <class Q>
Result<std::optional<int>> recorded_version(Q& q, std::vector<SchemaItem>& missing) {
  auto exists =
      q.exec("SELECT to_regclass($1) IS NOT NULL, has_table_privilege(to_regclass($1), 'SELECT')",
             {std::string(kMigrationsTable)});
  if (!exists) return std::unexpected(exists.error());
  if (exists->text(0, 0) != "t") return std::optional<int>{};
  if (exists->text(0, 1) != "t") {
    missing.push_back(
        SchemaItem{SchemaItem::Kind::kPrivilege, std::string(kMigrationsTable), "SELECT"});
    return std::optional<int>{};
  }
  auto v = q.exec("SELECT max(version) FROM " + std::string(kMigrationsTable));
  if (!v) return std::unexpected(v.error());
  if (v->is_null(0, 0)) return std::optional<int>{};
  auto n = v->int64(0, 0);
  if (!n) return std::unexpected(n.error());
  return std::optional<int>{static_cast<int>(*n)};
}

template <class Q>
Result<SchemaReport> check_with(Q& q, const std::vector<TableDef>& tables) {
  SchemaReport report;
  for (const auto& def : tables) {
    auto c = read_catalog(q, def);
    if (!c) return std::unexpected(c.error().wrap("inspect table " + def.table.display()));
    missing_in(def, *c, report.missing);
  }
  auto version = recorded_version(q, report.missing);
  if (!version) return std::unexpected(version.error());
  report.recorded_version = *version;
  return report;
}

const TableDef* find_table(const std::vector<TableDef>& tables, const std::string& display) {
  for (const auto& t : tables) {
    if (t.table.display() == display) return &t;
  }
  return nullptr;
}

// The statements that add one missing item; IF NOT EXISTS keeps them harmless if it appeared.
std::vector<std::string> ddl_for(const TableDef& def, const SchemaItem& item) {
  const auto table = def.table.quoted();
  switch (item.kind) {
    case SchemaItem::Kind::kTable:
      return {create_table_sql(def)};
    case SchemaItem::Kind::kColumn:
      for (const auto& col : def.columns) {
        if (col.name == item.name) {
          return {"ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " +
                  quote_identifier(col.name) + " " + col.add};
        }
      }
      return {};
    case SchemaItem::Kind::kIdDefault: {
      // Existing ids (PHP snowflakes) stay; new rows continue after the largest one.
      const auto seq = def.table.sibling("_id_seq");
      const auto seq_literal = quote_literal(seq.quoted());
      return {"CREATE SEQUENCE IF NOT EXISTS " + seq.quoted() + " OWNED BY " + table + ".id",
              "SELECT setval(" + seq_literal + "::regclass, coalesce((SELECT max(id) FROM " +
                  table + "), 0) + 1, false)",
              "ALTER TABLE " + table + " ALTER COLUMN id SET DEFAULT nextval(" + seq_literal +
                  "::regclass)"};
    }
    case SchemaItem::Kind::kPrivilege:
      return {};
    case SchemaItem::Kind::kIndex:
      for (const auto& idx : def.indexes) {
        if (idx.name == item.name) {
          return {std::string("CREATE ") + (idx.unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " +
                  quote_identifier(idx.name) + " ON " + table + " " + idx.definition};
        }
      }
      return {};
  }
  return {};
}

}  // namespace

std::string SchemaItem::describe() const {
  switch (kind) {
    case Kind::kTable:
      return "table " + table;
    case Kind::kColumn:
      return "column " + table + "." + name;
    case Kind::kIndex:
      return "index " + name + " on " + table;
    case Kind::kIdDefault:
      return "default for " + table + ".id";
    case Kind::kPrivilege:
      return "privilege " + name + " on " + table;
  }
  return table;
}

std::string SchemaReport::summary(std::size_t limit) const {
  if (missing.empty()) return "schema complete";
  std::string out = "missing: ";
  for (std::size_t i = 0; i < missing.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += missing[i].describe();
  }
  if (missing.size() > limit) out += " and " + std::to_string(missing.size() - limit) + " more";
  return out;
}

Result<SchemaReport> check(Connection& conn, const SchemaOptions& options) {
  auto tables = schema_tables(options);
  if (!tables) return std::unexpected(tables.error());
  return check_with(conn, *tables);
}

Result<MigrateReport> migrate(Connection& conn, const SchemaOptions& options) {
  auto tables = schema_tables(options);
  if (!tables) return std::unexpected(tables.error());
  auto tx = conn.begin(TxOptions{.lock_timeout = options.lock_timeout});
  if (!tx) return std::unexpected(tx.error());
  const auto lock = "SELECT pg_advisory_xact_lock(" + std::to_string(kMigrateLockKey) + ")";
  if (auto r = tx->exec(lock); !r) return std::unexpected(r.error().wrap("migration lock"));
  const auto versions = "CREATE TABLE IF NOT EXISTS " + std::string(kMigrationsTable) +
                        " (version integer PRIMARY KEY, description text NOT NULL, "
                        "applied_at timestamptz NOT NULL DEFAULT now())";
  if (auto r = tx->exec(versions); !r) return std::unexpected(r.error());
  // Under the lock, a replica that migrated first leaves nothing missing here.
  auto report = check_with(*tx, *tables);
  if (!report) return std::unexpected(report.error());
  MigrateReport out;
  for (const auto& item : report->missing) {
    // Grants are the DBA's decision; migrate adds structure only (check keeps reporting them).
    if (item.kind == SchemaItem::Kind::kPrivilege) continue;
    const auto* def = find_table(*tables, item.table);
    if (def == nullptr) continue;
    for (const auto& sql : ddl_for(*def, item)) {
      if (auto r = tx->exec(sql); !r) return std::unexpected(r.error().wrap(item.describe()));
    }
    out.applied.push_back(item.describe());
  }
  const auto record = "INSERT INTO " + std::string(kMigrationsTable) +
                      " (version, description) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING";
  if (auto r = tx->exec(record, {std::to_string(kSchemaVersion), "orderops jobs.md section 1"});
      !r) {
    return std::unexpected(r.error());
  }
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace orderops::pg
