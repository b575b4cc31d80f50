#include "reconcile/database_probe.h"

#include <algorithm>
#include <utility>

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

void PgDatabaseProbe::forget(const std::string& url) {
  const std::string prefix = url + '\n';  // cache_key's layout
  std::lock_guard lock(mu_);
  std::erase_if(healthy_until_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

Status PgDatabaseProbe::probe_uncached(const std::string& url, const pg::SchemaOptions& schema,
                                       std::stop_token stop) {
  pg::ConnectOptions options;
  options.url = url;
  options.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(connect_timeout_);
  // An empty URL would make libpq fall back to PG* variables and the local socket: never what
  // the Secret meant. It and a URL libpq cannot parse (Invalid, refused before any connect) stay
  // broken until a person fixes the Secret, so they are invalid credentials, which stall,
  // not an outage retried forever (api.md section 2).
  if (url.empty()) {
    return make_error(ErrorCode::kInvalid, "database URL is empty",
                      std::string(api::reasons::kInvalidCredentials));
  }
  auto conn = pg::Connection::open(options, clock_, stop);
  if (!conn && conn.error().code == ErrorCode::kInvalid) {
    Error e = conn.error();
    e.reason = std::string(api::reasons::kInvalidCredentials);
    return std::unexpected(e);
  }
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
    // Migrating cannot add a GRANT, so the advice follows what is missing.
    const auto privileges = std::ranges::count_if(report->missing, [](const pg::SchemaItem& item) {
      return item.kind == pg::SchemaItem::Kind::kPrivilege;
    });
    const std::string advice =
        privileges == 0 ? "run `orderops db migrate`"
        : std::cmp_equal(privileges, report->missing.size())
            ? "grant the privileges to the database user"
            : "run `orderops db migrate` and grant the privileges to the database user";
    return make_error(ErrorCode::kInvalid,
                      "database schema is incomplete (" + report->summary(5) + "); " + advice,
                      std::string(api::reasons::kSchemaMismatch));
  }
  return {};
}

}  // namespace orderops::reconcile
