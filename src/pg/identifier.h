// SQL identifiers that come from user input (spec.database.table / logTable): validated against a
// conservative pattern and always double-quoted, so no spec value can inject SQL. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::pg {

// PostgreSQL truncates longer names silently; we reject them instead.
inline constexpr std::size_t kMaxIdentifierLength = 63;

// One name part: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes. Quoting keeps the case as written.
bool is_valid_identifier(std::string_view name);

// A table name, optionally schema-qualified ("shop.order_aftersales").
class TableName {
 public:
  // The error names `field` (for example "spec.database.table") and the problem.
  static Result<TableName> parse(std::string_view text, std::string_view field = "table");

  const std::string& schema() const { return schema_; }  // empty: the search_path decides
  const std::string& name() const { return name_; }
  // "schema"."name" or "name", ready to splice into SQL.
  std::string quoted() const;
  // As written, for messages: schema.name or name.
  std::string display() const;
  // A derived identifier (index, sequence) "<name><suffix>", cut to 63 bytes, unquoted.
  std::string derived(std::string_view suffix) const;
  // The object named derived(suffix) in the same schema (a table's sequence).
  TableName sibling(std::string_view suffix) const;

 private:
  std::string schema_;
  std::string name_;
};

// "name" with embedded quotes doubled; only for names already validated.
std::string quote_identifier(std::string_view name);

// 'text' with embedded quotes doubled; for DDL where parameters are not allowed.
std::string quote_literal(std::string_view text);

}  // namespace orderops::pg
