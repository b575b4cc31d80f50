#include "pg/secret_scrubber.h"

#include <libpq-fe.h>

#include <memory>

#include "common/redact.h"

namespace orderops::pg {

namespace {

// The userinfo password as written in a URI, before percent-decoding.
std::string raw_uri_password(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const auto authority = url.substr(scheme + 3);
  const auto at = authority.rfind('@', authority.find('/'));
  if (at == std::string_view::npos) return {};
  const auto colon = authority.find(':');
  if (colon == std::string_view::npos || colon > at) return {};
  return std::string(authority.substr(colon + 1, at - colon - 1));
}

std::string parsed_password(std::string_view url) {
  char* err = nullptr;
  const std::string copy(url);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(copy.c_str(), &err), &PQconninfoFree);
  if (err != nullptr) PQfreemem(err);
  if (!options) return {};
  for (auto* o = options.get(); o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) return o->val;
  }
  return {};
}

}  // namespace

SecretScrubber::SecretScrubber(std::string_view url) : redacted_url_(redact_dsn(url)) {
  for (auto s : {parsed_password(url), raw_uri_password(url)}) {
    if (!s.empty() && s != kRedacted) secrets_.push_back(std::move(s));
  }
}

std::string SecretScrubber::scrub(std::string_view text) const {
  std::string out(text);
  for (const auto& s : secrets_) out = redact_value(out, s);
  return out;
}

}  // namespace orderops::pg
