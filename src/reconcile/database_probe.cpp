#include "reconcile/database_probe.h"

#include "api/condition_types.h"
#include "pg/connection.h"

namespace orderops::reconcile {
namespace {

std::string cache_key(const std::string& url, const pg::SchemaOptions& schema) {
  std::string key = url + '\n' + schema.aftersales_table + '\n' + schema.aftersales_log_table;
  for (auto part : schema.parts) key += part == pg::SchemaPart::kAftersales ? "\na" : "\np";
  return key;
}

Error unavailable(const Error& cause) {
  Error e = cause;
  e.reason = std::string(api::reasons::kDatabaseUnavailable);
  e.message = "database unavailable: " + cause.message;
  return e;
}

}  // namespace

PgDatabaseProbe::PgDatabaseProbe(const Clock& clock, Duration success_ttl, Duration connect_timeout)
    : clock_(clock), success_ttl_(success_ttl), connect_timeout_(connect_timeout) {}

Status PgDatabaseProbe::probe(const std::string& url, const pg::SchemaOptions& schema,
                              std::stop_token stop) {
  const std::string key = cache_key(url, schema);
  {
    std::lock_guard lock(mu_);
    const auto it = healthy_until_.find(key);
    if (it != healthy_until_.end() && clock_.monotonic() < it->second) return {};
  }
  Status result = probe_uncached(url, schema, stop);
  std::lock_guard lock(mu_);
  if (result) {
    healthy_until_[key] = clock_.monotonic() + success_ttl_;
  } else {
    healthy_until_.erase(key);
  }
  return result;
}

Status PgDatabaseProbe::probe_uncached(const std::string& url, const pg::SchemaOptions& schema,
                                       std::stop_token stop) {
  pg::ConnectOptions options;
  options.url = url;
  options.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(connect_timeout_);
  auto conn = pg::Connection::open(options, clock_, stop);
  if (!conn) return std::unexpected(unavailable(conn.error()));
  auto report = pg::check(*conn, schema);
  if (!report) {
    // A table name the schema check refuses is a spec problem the validation missed; anything
    // else is the database failing while we asked.
    if (report.error().code == ErrorCode::kInvalid) {
      Error e = report.error();
      e.reason = std::string(api::reasons::kSchemaMismatch);
      return std::unexpected(e);
    }
    return std::unexpected(unavailable(report.error()));
  }
  if (!report->complete()) {
    return make_error(
        ErrorCode::kInvalid,
        "database schema is incomplete (" + report->summary(5) + "); run `orderops db migrate`",
        std::string(api::reasons::kSchemaMismatch));
  }
  return {};
}

}  // namespace orderops::reconcile
