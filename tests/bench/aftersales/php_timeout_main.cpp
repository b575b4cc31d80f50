// orderops-bench-php-timeout: the PHP `aftersales:process-timeout` command's algorithm
// (reference/seeds-behavior.md A.5) re-created over libpqxx, as the baseline of the aftersales
// throughput benchmark. It does what the PHP does, bugs included, so that the comparison is
// fair: offset paging over a result set that its own updates shrink (rows are skipped), whole
// rows loaded, a gate that only handles pending_approval (the other two states count as failed),
// one UPDATE per row with no state guard and no audit row, one transaction ("flush") per page.
// It is faster than real PHP + Doctrine (no hydration, no change-set computation, no
// entity_track_log message, one prepared statement reused), so ratios against it are
// conservative. Single-threaded; prints one JSON line of counts on stdout.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <string>

namespace orderops::bench {

namespace {

struct Options {
  std::string url_file;
  int batch_size = 100;  // the PHP command's --batch-size default
};

struct Counts {
  std::int64_t pages = 0;
  std::int64_t selected = 0;
  std::int64_t closed = 0;
  std::int64_t failed = 0;
};

// The command's selection query, re-run for every page with a fresh "now". Doctrine loads whole
// entities, hence every column; `timed_out` is AutoAuditService's strict now > deadline check.
constexpr const char* kPageSql =
    "SELECT t.*, t.auto_process_time < now() AS timed_out FROM order_aftersales t "
    "WHERE t.auto_process_time IS NOT NULL AND t.auto_process_time <= now() "
    "AND t.state IN ('pending_approval', 'pending_return', 'pending_receive') "
    "ORDER BY t.auto_process_time ASC LIMIT $1 OFFSET $2";

// What Doctrine's unit of work sends for a changed entity: the changed columns, keyed by id only
// (no state guard, no version column). update_time is not written (the listener's change never
// reaches the change set).
constexpr const char* kUpdateSql =
    "UPDATE order_aftersales SET state = 'approved', audit_time = now(), "
    "auto_process_time = NULL WHERE id = $1";

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    if (arg == "--database-url-file") {
      o.url_file = argv[++i];
    } else if (arg == "--batch-size") {
      o.batch_size = std::atoi(argv[++i]);
    } else {
      return std::nullopt;
    }
  }
  if (o.url_file.empty() || o.batch_size <= 0) return std::nullopt;
  return o;
}

// The URL comes from a file so that the password never shows in a process list.
std::string read_url(const std::string& path) {
  std::ifstream in(path);
  std::string url;
  std::getline(in, url);
  return url;
}

// One page: read it outside any transaction (the PHP has none around the SELECT), then handle
// each row and flush the page's changes in one transaction. Returns the rows the page held.
std::size_t process_page(pqxx::connection& conn, const Options& o, std::int64_t offset,
                         Counts& counts) {
  pqxx::result page;
  {
    pqxx::nontransaction read(conn);
    page = read.exec_prepared("page", o.batch_size, offset);
  }
  if (page.empty()) return 0;
  ++counts.pages;
  pqxx::work flush(conn);
  for (const auto& row : page) {
    ++counts.selected;
    // Hydration stand-in: every field is read once, as Doctrine reads every column.
    std::size_t bytes = 0;
    for (const auto& field : row) bytes += field.size();
    (void)bytes;
    const bool eligible =
        row["timed_out"].as<bool>() && row["state"].as<std::string>() == "pending_approval";
    if (!eligible) {
      ++counts.failed;  // the gate rejects pending_return and pending_receive, every run
      continue;
    }
    flush.exec_prepared("approve", row["id"].as<std::int64_t>());
    ++counts.closed;
  }
  flush.commit();
  return page.size();
}

int run(const Options& o) {
  pqxx::connection conn(read_url(o.url_file));
  conn.prepare("page", kPageSql);
  conn.prepare("approve", kUpdateSql);
  Counts counts;
  // The bug under test: the offset grows by a page while the rows just approved leave the
  // result set, so every page starts past rows no page will ever see in this run.
  std::int64_t offset = 0;
  while (true) {
    const auto rows = process_page(conn, o, offset, counts);
    if (rows < static_cast<std::size_t>(o.batch_size)) break;
    offset += o.batch_size;
  }
  std::cout << "{\"pages\": " << counts.pages << ", \"selected\": " << counts.selected
            << ", \"closed\": " << counts.closed << ", \"failed\": " << counts.failed << "}"
            << std::endl;
  return 0;
}

}  // namespace

}  // namespace orderops::bench

int main(int argc, char** argv) {
  const auto options = orderops::bench::parse(argc, argv);
  if (!options) {
    std::cerr << "usage: orderops-bench-php-timeout --database-url-file FILE [--batch-size N]\n";
    return 2;
  }
  try {
    return orderops::bench::run(*options);
  } catch (const std::exception& e) {
    // libpqxx reports by exception; this is the process boundary, where it becomes an exit code.
    std::cerr << "orderops-bench-php-timeout: " << e.what() << "\n";
    return 1;
  }
}
