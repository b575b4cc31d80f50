#include "pg/rows.h"

#include <charconv>
#include <cstdlib>

namespace orderops::pg {

namespace {

Error cell_error(const Rows& rows, std::size_t col, std::string_view what) {
  const std::string name = col < rows.columns().size() ? rows.columns()[col] : "?";
  return Error{ErrorCode::kInternal, "column \"" + name + "\": " + std::string(what), {}, {}, {}};
}

}  // namespace

std::string bigint_array(std::span<const std::int64_t> values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

std::string text_array(std::span<const std::string> values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Result<std::int64_t> Rows::int64(std::size_t row, std::size_t col) const {
  const auto& cell = at(row, col);
  if (!cell) return std::unexpected(cell_error(*this, col, "is NULL, expected an integer"));
  std::int64_t v = 0;
  const auto* end = cell->data() + cell->size();
  const auto [ptr, ec] = std::from_chars(cell->data(), end, v);
  if (ec != std::errc() || ptr != end) {
    return std::unexpected(cell_error(*this, col, "\"" + *cell + "\" is not an integer"));
  }
  return v;
}

Result<double> Rows::float64(std::size_t row, std::size_t col) const {
  const auto& cell = at(row, col);
  if (!cell) return std::unexpected(cell_error(*this, col, "is NULL, expected a number"));
  char* end = nullptr;
  const double v = std::strtod(cell->c_str(), &end);
  if (end != cell->c_str() + cell->size() || cell->empty()) {
    return std::unexpected(cell_error(*this, col, "\"" + *cell + "\" is not a number"));
  }
  return v;
}

Result<bool> Rows::boolean(std::size_t row, std::size_t col) const {
  const auto& cell = at(row, col);
  if (cell == "t") return true;
  if (cell == "f") return false;
  return std::unexpected(cell_error(*this, col, "is not a boolean"));
}

}  // namespace orderops::pg
