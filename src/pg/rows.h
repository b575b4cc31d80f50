// Query parameters and results as plain values, so callers of src/pg never see libpqxx types
// (keeps the heavy header out of job code). Text format throughout. Value types;
// thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace orderops::pg {

// A text-format parameter; std::nullopt is SQL NULL.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

// The text form of a bigint[] parameter: "{1,2,3}" (use as $n::bigint[]).
std::string bigint_array(std::span<const std::int64_t> values);
// The text form of a text[] parameter, each element quoted: {"a","b"} (use as $n::text[]).
std::string text_array(std::span<const std::string> values);

class Rows {
 public:
  using Cell = std::optional<std::string>;

  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<std::vector<Cell>> rows, std::size_t affected)
      : columns_(std::move(columns)), rows_(std::move(rows)), affected_(affected) {}

  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  // Rows changed by INSERT/UPDATE/DELETE without RETURNING.
  std::size_t affected() const { return affected_; }
  const std::vector<std::string>& columns() const { return columns_; }

  const Cell& at(std::size_t row, std::size_t col) const { return rows_.at(row).at(col); }
  bool is_null(std::size_t row, std::size_t col) const { return !at(row, col).has_value(); }
  // NULL reads as "".
  std::string text(std::size_t row, std::size_t col) const { return at(row, col).value_or(""); }
  // Errors (kInternal) name the column when the cell is NULL or not an integer.
  Result<std::int64_t> int64(std::size_t row, std::size_t col) const;
  Result<double> float64(std::size_t row, std::size_t col) const;
  // PostgreSQL's 't'/'f'.
  Result<bool> boolean(std::size_t row, std::size_t col) const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::size_t affected_ = 0;
};

}  // namespace orderops::pg
