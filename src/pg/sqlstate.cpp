#include "pg/sqlstate.h"

#include <cctype>

namespace orderops::pg {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

bool is_sqlstate_char(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z');
}

}  // namespace

ErrorCode code_for_sqlstate(std::string_view s) {
  if (s == "28P01" || s == "28000") return ErrorCode::kUnauthorized;
  if (s == "3D000") return ErrorCode::kNotFound;
  if (s == "40001" || s == "40P01") return ErrorCode::kConflict;
  if (s == "42P01" || s == "42703" || s == "42P02" || s == "42883" || s == "3F000") {
    return ErrorCode::kInvalid;
  }
  if (s == "42501") return ErrorCode::kForbidden;
  if (s == "23505") return ErrorCode::kAlreadyExists;
  if (s == "23502" || s == "23503" || s == "23514") return ErrorCode::kInvalid;
  if (s == "55P03") return ErrorCode::kTimeout;
  if (s == "57014") return ErrorCode::kCancelled;
  if (s == "57P01" || s == "57P02" || s == "57P03") return ErrorCode::kUnavailable;
  if (starts_with(s, "08") || starts_with(s, "53")) return ErrorCode::kUnavailable;
  if (starts_with(s, "22")) return ErrorCode::kInvalid;
  return ErrorCode::kInternal;
}

std::string sqlstate_in_message(std::string_view m) {
  // libpq writes "<severity>:  <SQLSTATE>: "; the severity word may be translated by the
  // server's lc_messages, the punctuation is not.
  constexpr std::string_view kMark = ":  ";
  for (auto pos = m.find(kMark); pos != std::string_view::npos; pos = m.find(kMark, pos + 1)) {
    const auto code = m.substr(pos + kMark.size());
    if (code.size() >= 7 && code[5] == ':' && code[6] == ' ') {
      bool ok = true;
      for (size_t i = 0; i < 5; ++i) ok = ok && is_sqlstate_char(code[i]);
      if (ok) return std::string(code.substr(0, 5));
    }
  }
  return {};
}

std::string strip_sqlstate(std::string_view message, std::string_view sqlstate) {
  std::string out(message);
  if (sqlstate.empty()) return out;
  const std::string token = std::string(":  ") + std::string(sqlstate) + ": ";
  if (const auto pos = out.find(token); pos != std::string::npos) {
    out.erase(pos + 3, sqlstate.size() + 2);
  }
  return out;
}

std::string tidy_message(std::string_view m) {
  std::string out;
  size_t start = 0;
  while (start < m.size()) {
    auto end = m.find('\n', start);
    if (end == std::string_view::npos) end = m.size();
    auto line = m.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    // Source locations and the echoed query with its caret help nobody reading a status message.
    if (line.empty() || line.starts_with("LOCATION:") || line.starts_with("LINE ") || line == "^") {
      continue;
    }
    // The severity of a statement error says nothing a caller does not know.
    if (out.empty() && line.starts_with("ERROR:  ")) line.remove_prefix(8);
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

Error sqlstate_error(std::string_view sqlstate, std::string message) {
  return Error{code_for_sqlstate(sqlstate), std::move(message), std::string(sqlstate), {}, {}};
}

}  // namespace orderops::pg
