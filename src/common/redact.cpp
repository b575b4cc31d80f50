#include "common/redact.h"

namespace orderops {

std::string redact_dsn(std::string_view dsn) {
  std::string out(dsn);
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto authority = scheme + 3;
    const auto at = out.find('@', authority);
    const auto slash = out.find('/', authority);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, kRedacted);
      }
    }
    // Query parameters may also carry the password (?password=...).
    const auto q = out.find("password=");
    if (q != std::string::npos) {
      const auto end = out.find('&', q);
      out.replace(q + 9, (end == std::string::npos ? out.size() : end) - q - 9, kRedacted);
    }
    return out;
  }
  const auto p = out.find("password=");
  if (p != std::string::npos) {
    size_t start = p + 9;
    size_t end;
    if (start < out.size() && out[start] == '\'') {
      end = out.find('\'', start + 1);
      end = end == std::string::npos ? out.size() : end + 1;
    } else {
      end = out.find(' ', start);
      if (end == std::string::npos) end = out.size();
    }
    out.replace(start, end - start, kRedacted);
  }
  return out;
}

std::string redact_value(std::string_view text, std::string_view secret) {
  std::string out(text);
  if (secret.empty()) return out;
  for (auto pos = out.find(secret); pos != std::string::npos;
       pos = out.find(secret, pos + kRedacted.size())) {
    out.replace(pos, secret.size(), kRedacted);
  }
  return out;
}

}  // namespace orderops
