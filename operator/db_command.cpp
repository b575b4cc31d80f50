// `orderops db migrate|check`: applies or inspects the schema of jobs.md section 1 (src/pg).
// The URL comes from --database-url or, when absent, $ORDEROPS_DATABASE_URL (keeps the password
// out of shell history and `ps`). Output and errors never show the password.
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "common/clock.h"
#include "common/flags.h"
#include "common/go_duration.h"
#include "pg/connection.h"
#include "pg/schema.h"

namespace orderops::cli {

namespace {

constexpr std::string_view kUsage =
    "usage: orderops db migrate|check [--database-url URL] [--table NAME] [--log-table NAME]\n"
    "                                 [--part all|aftersales|profitshare] [--connect-timeout 10s]\n"
    "  The URL may also come from $ORDEROPS_DATABASE_URL.\n";

struct DbOptions {
  std::string url;
  std::string table = "order_aftersales";
  std::string log_table = "order_aftersales_logs";
  std::string part = "all";
  std::string connect_timeout = "10s";
};

int bad_input(std::string_view message) {
  std::cerr << "orderops db: " << message << "\n" << kUsage;
  return kExitBadInput;
}

Result<pg::SchemaOptions> schema_options(const DbOptions& o) {
  pg::SchemaOptions out;
  out.aftersales_table = o.table;
  out.aftersales_log_table = o.log_table;
  if (o.part == "aftersales") {
    out.parts = {pg::SchemaPart::kAftersales};
  } else if (o.part == "profitshare") {
    out.parts = {pg::SchemaPart::kProfitShare};
  } else if (o.part != "all") {
    return invalid("--part: \"" + o.part + "\" is not one of all, aftersales, profitshare");
  }
  return out;
}

int report_failure(const Error& error) {
  std::cerr << "orderops db: " << error.to_string() << "\n";
  return error.code == ErrorCode::kInvalid ? kExitBadInput : kExitFailed;
}

int run_migrate(pg::Connection& conn, const pg::SchemaOptions& schema) {
  auto report = pg::migrate(conn, schema);
  if (!report) return report_failure(report.error());
  for (const auto& item : report->applied) std::cout << "created " << item << "\n";
  std::cout << "schema version " << report->version << " "
            << (report->applied.empty() ? "already up to date" : "applied") << " on "
            << conn.redacted_url() << "\n";
  return kExitOk;
}

int run_check(pg::Connection& conn, const pg::SchemaOptions& schema) {
  auto report = pg::check(conn, schema);
  if (!report) return report_failure(report.error());
  const auto version = report->recorded_version
                           ? "schema version " + std::to_string(*report->recorded_version)
                           : std::string("no OrderOps schema version recorded");
  if (report->complete()) {
    std::cout << "schema complete (" << version << ") on " << conn.redacted_url() << "\n";
    return kExitOk;
  }
  for (const auto& item : report->missing) std::cout << "missing " << item.describe() << "\n";
  std::cout << report->missing.size() << " item(s) missing on " << conn.redacted_url() << " ("
            << version << "); run `orderops db migrate`\n";
  return kExitFailed;
}

}  // namespace

int db_command(std::span<const std::string> args) {
  if (args.empty() || (args[0] != "migrate" && args[0] != "check")) {
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
      std::cout << kUsage;
      return kExitOk;
    }
    return bad_input(args.empty() ? "missing subcommand"
                                  : "unknown subcommand \"" + args[0] + "\"");
  }
  DbOptions o;
  FlagSet flags("orderops db " + args[0]);
  flags.add_string("--database-url", &o.url, "libpq URI of the shop database");
  flags.add_string("--table", &o.table, "after-sales table (spec.database.table)");
  flags.add_string("--log-table", &o.log_table, "audit table (spec.database.logTable)");
  flags.add_string("--part", &o.part, "all, aftersales or profitshare");
  flags.add_string("--connect-timeout", &o.connect_timeout, "Go duration");
  auto rest = flags.parse(args.subspan(1));
  if (!rest) return report_flag_error(rest.error());
  if (!rest->empty()) return bad_input("unexpected argument \"" + rest->front() + "\"");
  if (o.url.empty()) {
    if (const char* env = std::getenv("ORDEROPS_DATABASE_URL")) o.url = env;
  }
  if (o.url.empty()) return bad_input("--database-url (or $ORDEROPS_DATABASE_URL) is required");
  auto timeout = parse_go_duration(o.connect_timeout);
  if (!timeout || timeout->count() <= 0)
    return bad_input("--connect-timeout: must be a positive duration");
  auto schema = schema_options(o);
  if (!schema) return bad_input(schema.error().message);

  const SystemClock clock;
  pg::ConnectOptions connect{.url = o.url};
  connect.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  auto conn = pg::Connection::open(connect, clock);
  if (!conn) return report_failure(conn.error());
  return args[0] == "migrate" ? run_migrate(*conn, *schema) : run_check(*conn, *schema);
}

}  // namespace orderops::cli
