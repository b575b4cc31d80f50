// Whether a resource's database can be used: reachable with its credentials and carrying the
// tables, columns and indexes its jobs need. Failures come back as Errors whose reason is the
// Ready condition's (DatabaseUnavailable, SchemaMismatch) with the connection error's code kept,
// so readiness() can tell a refused password (Stalled) from a network blip (retried).
// PgDatabaseProbe remembers a success for a short while: thousands of policies on one database
// must not each open a connection on every reconcile. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "pg/schema.h"

namespace orderops::reconcile {

class DatabaseProbe {
 public:
  virtual ~DatabaseProbe() = default;
  virtual Status probe(const std::string& url, const pg::SchemaOptions& schema,
                       std::stop_token stop) = 0;
  // Drops what is remembered about `url` (every schema): a run just lost that database, and
  // the next reconcile must ask it again instead of reporting Ready from a cached success.
  virtual void forget(const std::string& url) { (void)url; }
};

class PgDatabaseProbe final : public DatabaseProbe {
 public:
  PgDatabaseProbe(const Clock& clock, Duration success_ttl = std::chrono::seconds(30),
                  Duration connect_timeout = std::chrono::seconds(5));
  Status probe(const std::string& url, const pg::SchemaOptions& schema,
               std::stop_token stop) override;
  void forget(const std::string& url) override;

 private:
  Status probe_uncached(const std::string& url, const pg::SchemaOptions& schema,
                        std::stop_token stop);

  const Clock& clock_;
  const Duration success_ttl_;
  const Duration connect_timeout_;
  std::mutex mu_;
  // Key: URL + schema options; value: monotonic time of the last success. guarded by mu_
  std::map<std::string, MonotonicTime> healthy_until_;
};

}  // namespace orderops::reconcile
