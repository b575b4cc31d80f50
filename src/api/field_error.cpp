#include "api/field_error.h"

#include <cstdio>

#include "api/condition_types.h"

namespace orderops::api {

Error to_error(std::span<const FieldError> errors) {
  std::string message;
  for (const auto& e : errors) {
    if (!message.empty()) message += "; ";
    message += e.to_string();
  }
  return Error{ErrorCode::kInvalid, std::move(message), std::string(reasons::kInvalidSpec), {}, {}};
}

std::string quote(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace orderops::api
