// Keeps the password of a database URL out of every message the pg module produces: libpq and
// the server never echo it on purpose, but a malformed URL or a future libpq message might.
// Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orderops::pg {

class SecretScrubber {
 public:
  // Learns the password of `url` in its raw (possibly percent-encoded) and decoded forms.
  explicit SecretScrubber(std::string_view url);

  const std::string& redacted_url() const { return redacted_url_; }
  std::string scrub(std::string_view text) const;

 private:
  std::string redacted_url_;
  std::vector<std::string> secrets_;
};

}  // namespace orderops::pg
