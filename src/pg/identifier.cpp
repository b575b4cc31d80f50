#include "pg/identifier.h"

#include <algorithm>

namespace orderops::pg {

namespace {

bool is_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_part(char c) { return is_start(c) || (c >= '0' && c <= '9'); }

std::string quoted_text(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

}  // namespace

bool is_valid_identifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxIdentifierLength || !is_start(name.front())) return false;
  for (char c : name) {
    if (!is_part(c)) return false;
  }
  return true;
}

Result<TableName> TableName::parse(std::string_view text, std::string_view field) {
  TableName out;
  const auto dot = text.find('.');
  std::string_view schema;
  std::string_view name = text;
  if (dot != std::string_view::npos) {
    schema = text.substr(0, dot);
    name = text.substr(dot + 1);
    if (!is_valid_identifier(schema)) {
      return invalid(std::string(field) + ": \"" + std::string(text) + "\": schema \"" +
                     std::string(schema) +
                     "\" is not a valid SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 bytes)");
    }
  }
  if (!is_valid_identifier(name)) {
    return invalid(std::string(field) + ": \"" + std::string(text) +
                   "\" is not a valid table name ([schema.]name, each [A-Za-z_][A-Za-z0-9_]*, at "
                   "most 63 bytes)");
  }
  out.schema_ = std::string(schema);
  out.name_ = std::string(name);
  return out;
}

std::string TableName::quoted() const {
  if (schema_.empty()) return quote_identifier(name_);
  return quote_identifier(schema_) + "." + quote_identifier(name_);
}

std::string TableName::display() const { return schema_.empty() ? name_ : schema_ + "." + name_; }

std::string TableName::derived(std::string_view suffix) const {
  std::string base = name_;
  const auto room = kMaxIdentifierLength - std::min(suffix.size(), kMaxIdentifierLength);
  if (base.size() > room) base.resize(room);
  return base + std::string(suffix.substr(0, kMaxIdentifierLength));
}

TableName TableName::sibling(std::string_view suffix) const {
  TableName out;
  out.schema_ = schema_;
  out.name_ = derived(suffix);
  return out;
}

std::string quote_identifier(std::string_view name) { return quoted_text(name, '"'); }

std::string quote_literal(std::string_view text) { return quoted_text(text, '\''); }

}  // namespace orderops::pg
