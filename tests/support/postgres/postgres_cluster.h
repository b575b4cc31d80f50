// A throwaway PostgreSQL 15 cluster for tests and the demo (design.md "PostgreSQL harness"):
// initdb into a temporary directory (as the `postgres` user when running as root), a server on
// 127.0.0.1 and a free port with fsync off, one database per test, and teardown that stops the
// server and removes the directory. The server dies with the process that started it (parent-death
// signal), and directories left by crashed runs are removed on the next start.
// Not thread-safe: set up and tear down from one thread; the URLs may be used anywhere.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::testing {

struct PostgresOptions {
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  // Superuser password (SCRAM over TCP), so wrong-password tests have something to refuse.
  std::string password = "orderops-test-secret-7f3a";
  std::chrono::seconds start_timeout{60};
};

class PostgresCluster {
 public:
  // Fails with kUnavailable (binaries missing, initdb or start failed; the message quotes the log).
  static Result<std::unique_ptr<PostgresCluster>> start(PostgresOptions options = {});
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& password() const { return options_.password; }
  // postgresql://postgres:<password>@127.0.0.1:<port>/<database>
  std::string url(std::string_view database = "postgres") const;
  std::string url_as(std::string_view user, std::string_view password,
                     std::string_view database) const;

  // A fresh database (an old one of that name is dropped) with the OrderOps schema applied when
  // `migrate`; returns its URL. An empty name picks a unique one.
  Result<std::string> create_database(std::string name = {}, bool migrate = true);
  Status drop_database(std::string_view name);
  // Runs SQL as the superuser (simple protocol, several statements allowed); returns the first
  // cell of the last result ("" when none).
  Result<std::string> exec(std::string_view database, std::string_view sql) const;

  // Fast shutdown; the directory stays so start_again() can bring the same cluster back.
  Status stop();
  Status start_again();
  bool running() const { return server_pid_ > 0; }

 private:
  explicit PostgresCluster(PostgresOptions options) : options_(std::move(options)) {}
  Status init_directory();
  Status launch();
  Status wait_ready();
  Status make_template();
  // SIGINT: fast shutdown (sessions rolled back, checkpoint); SIGQUIT: immediate.
  Status shutdown(int signal);
  std::string log_tail() const;

  PostgresOptions options_;
  std::string dir_;
  int port_ = 0;
  int server_pid_ = 0;
  int next_database_ = 0;
  bool template_ready_ = false;
};

}  // namespace orderops::testing
