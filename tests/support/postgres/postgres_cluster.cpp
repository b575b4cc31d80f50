#include "postgres/postgres_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "pg/connection.h"
#include "pg/identifier.h"
#include "pg/schema.h"

namespace orderops::testing {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDirPrefix = "orderops-pg-";
constexpr int kStartAttempts = 5;
// Database that holds the migrated schema; test databases are copies of it.
constexpr std::string_view kTemplate = "orderops_template";

std::unexpected<Error> unavailable(std::string message) {
  return make_error(ErrorCode::kUnavailable, std::move(message));
}

struct ServerUser {
  uid_t uid = 0;
  gid_t gid = 0;
  bool drop = false;  // running as root: initdb and postgres refuse root, so switch to postgres
};

Result<ServerUser> server_user() {
  if (::geteuid() != 0) return ServerUser{::geteuid(), ::getegid(), false};
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) return unavailable("running as root and there is no `postgres` user");
  return ServerUser{pw->pw_uid, pw->pw_gid, true};
}

fs::path temp_root() {
  const char* tmp = std::getenv("TMPDIR");
  return fs::path(tmp && *tmp ? tmp : "/tmp");
}

// Directories of earlier runs whose process is gone (crashed, killed by a ctest timeout).
void remove_stale_dirs(const fs::path& root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with(kDirPrefix)) continue;
    const int pid = std::atoi(name.c_str() + kDirPrefix.size());
    if (pid > 0 && ::kill(pid, 0) == -1 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
}

// The kernel picks a free port; the tiny window before postgres binds it is covered by retries.
Result<int> free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unavailable("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port < 0) return unavailable("no free port on 127.0.0.1");
  return port;
}

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// Starts `args` with stdout/stderr appended to `log`. With `as` set, the child becomes that user
// first; with `die_with_parent`, it gets SIGQUIT (postgres: immediate shutdown) when we exit.
Result<pid_t> spawn(std::vector<std::string> args, const std::string& log, const ServerUser* as,
                    bool die_with_parent) {
  auto argv = argv_of(args);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return unavailable("open " + log + ": " + std::strerror(errno));
  if (as != nullptr && as->drop && ::fchown(log_fd, as->uid, as->gid) != 0) {
    ::close(log_fd);
    return unavailable("chown " + log + ": " + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (as != nullptr && as->drop) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(as->gid) != 0 || ::setuid(as->uid) != 0) {
        ::_exit(126);
      }
    }
    // After setuid: a credential change clears the parent-death signal.
    if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) {
      ::_exit(125);
    }
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  if (pid < 0) return unavailable("fork: " + std::string(std::strerror(errno)));
  return pid;
}

Result<int> wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return unavailable("waitpid: " + std::string(std::strerror(errno)));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tail_of(const fs::path& file, std::size_t bytes = 1500) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto text = ss.str();
  if (text.size() > bytes) text = "..." + text.substr(text.size() - bytes);
  return text;
}

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};

}  // namespace

Result<std::unique_ptr<PostgresCluster>> PostgresCluster::start(PostgresOptions options) {
  if (!fs::exists(fs::path(options.bin_dir) / "postgres")) {
    return unavailable("PostgreSQL binaries not found in " + options.bin_dir);
  }
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster(std::move(options)));
  if (auto s = cluster->init_directory(); !s) return std::unexpected(s.error());
  Error last{ErrorCode::kUnavailable, "not started", {}, {}, {}};
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    auto port = free_port();
    if (!port) return std::unexpected(port.error());
    cluster->port_ = *port;
    auto s = cluster->launch();
    if (s) s = cluster->wait_ready();
    if (s) return cluster;
    last = s.error();
    (void)cluster->stop();
    // Someone took the port between our probe and postgres's bind: try another.
    if (last.message.find("could not bind") == std::string::npos &&
        last.message.find("already in use") == std::string::npos) {
      break;
    }
  }
  return std::unexpected(last);
}

PostgresCluster::~PostgresCluster() {
  // Immediate shutdown: no checkpoint for data that is deleted next.
  (void)shutdown(SIGQUIT);
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

Status PostgresCluster::init_directory() {
  const auto root = temp_root();
  remove_stale_dirs(root);
  auto user = server_user();
  if (!user) return std::unexpected(user.error());
  std::string templ = (root / (std::string(kDirPrefix) + std::to_string(::getpid()) + "-XXXXXX"));
  if (::mkdtemp(templ.data()) == nullptr) {
    return unavailable("mkdtemp " + templ + ": " + std::strerror(errno));
  }
  dir_ = templ;
  const auto pwfile = dir_ + "/pwfile";
  std::ofstream(pwfile) << options_.password << "\n";
  if (user->drop && (::chown(dir_.c_str(), user->uid, user->gid) != 0 ||
                     ::chown(pwfile.c_str(), user->uid, user->gid) != 0)) {
    return unavailable("chown " + dir_ + " to postgres: " + std::strerror(errno));
  }
  std::vector<std::string> args;
  if (user->drop) args = {"runuser", "-u", "postgres", "--"};
  for (auto a : {options_.bin_dir + "/initdb", std::string("-D"), dir_ + "/data", std::string("-U"),
                 std::string("postgres"), std::string("--auth-local=trust"),
                 std::string("--auth-host=scram-sha-256"), "--pwfile=" + pwfile, std::string("-E"),
                 std::string("UTF8"), std::string("--no-locale"), std::string("--no-sync")}) {
    args.push_back(std::move(a));
  }
  auto pid = spawn(std::move(args), dir_ + "/initdb.log", nullptr, false);
  if (!pid) return std::unexpected(pid.error());
  auto rc = wait_exit(*pid);
  if (!rc) return std::unexpected(rc.error());
  fs::remove(pwfile);
  if (*rc != 0) {
    return unavailable("initdb failed (exit " + std::to_string(*rc) +
                       "): " + tail_of(dir_ + "/initdb.log"));
  }
  return {};
}

Status PostgresCluster::launch() {
  auto user = server_user();
  if (!user) return std::unexpected(user.error());
  std::vector<std::string> args = {options_.bin_dir + "/postgres", "-D", dir_ + "/data", "-p",
                                   std::to_string(port_)};
  // Durability is worthless for a throwaway cluster; speed is not.
  for (const char* setting :
       {"listen_addresses=127.0.0.1", "fsync=off", "synchronous_commit=off", "full_page_writes=off",
        "max_wal_size=1GB", "max_connections=100", "lc_messages=C", "log_min_messages=warning",
        "log_min_error_statement=panic"}) {
    args.push_back("-c");
    args.push_back(setting);
  }
  args.push_back("-c");
  args.push_back("unix_socket_directories=" + dir_);
  auto pid = spawn(std::move(args), dir_ + "/postgres.log", &*user, true);
  if (!pid) return std::unexpected(pid.error());
  server_pid_ = *pid;
  return {};
}

Status PostgresCluster::wait_ready() {
  const SystemClock clock;
  const auto deadline = clock.monotonic() + options_.start_timeout;
  const auto conninfo =
      "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres connect_timeout=2";
  while (clock.monotonic() < deadline) {
    int status = 0;
    if (::waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
      server_pid_ = 0;
      return unavailable("postgres exited during start-up: " + log_tail());
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return unavailable("postgres did not accept connections in time: " + log_tail());
}

std::string PostgresCluster::log_tail() const { return tail_of(dir_ + "/postgres.log"); }

Status PostgresCluster::stop() { return shutdown(SIGINT); }

Status PostgresCluster::shutdown(int signal) {
  if (server_pid_ <= 0) return {};
  const SystemClock clock;
  ::kill(server_pid_, signal);
  const auto deadline = clock.monotonic() + std::chrono::seconds(15);
  int status = 0;
  while (::waitpid(server_pid_, &status, WNOHANG) == 0) {
    if (clock.monotonic() > deadline) {
      ::kill(server_pid_, SIGKILL);
      ::waitpid(server_pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server_pid_ = 0;
  return {};
}

Status PostgresCluster::start_again() {
  if (running()) return {};
  if (auto s = launch(); !s) return s;
  return wait_ready();
}

std::string PostgresCluster::url(std::string_view database) const {
  return url_as("postgres", options_.password, database);
}

std::string PostgresCluster::url_as(std::string_view user, std::string_view password,
                                    std::string_view database) const {
  return "postgresql://" + std::string(user) + ":" + std::string(password) +
         "@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
}

Result<std::string> PostgresCluster::exec(std::string_view database, std::string_view sql) const {
  std::unique_ptr<PGconn, PgConnCloser> conn(PQconnectdb(url(database).c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return unavailable("connect to " + std::string(database) + ": " + PQerrorMessage(conn.get()));
  }
  // "does not exist, skipping" and friends are expected here.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  const std::string text(sql);
  std::unique_ptr<PGresult, PgResultCloser> res(PQexec(conn.get(), text.c_str()));
  const auto st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return make_error(ErrorCode::kInternal,
                      "harness SQL failed: " + std::string(PQresultErrorMessage(res.get())));
  }
  if (PQntuples(res.get()) == 0 || PQnfields(res.get()) == 0) return std::string();
  return std::string(PQgetvalue(res.get(), 0, 0));
}

Result<std::string> PostgresCluster::create_database(std::string name, bool migrate) {
  if (name.empty()) {
    name = "t";
    name += std::to_string(++next_database_);
  }
  if (!pg::is_valid_identifier(name) || name == kTemplate) {
    return invalid("bad database name \"" + name + "\"");
  }
  if (auto s = drop_database(name); !s) return std::unexpected(s.error());
  if (migrate && !template_ready_) {
    if (auto s = make_template(); !s) return std::unexpected(s.error());
  }
  // Copying a migrated template is much faster than migrating every test's database.
  // CREATE DATABASE cannot share a statement batch (implicit transaction) with anything.
  const auto create = "CREATE DATABASE " + pg::quote_identifier(name) +
                      (migrate ? " TEMPLATE " + pg::quote_identifier(kTemplate) : "");
  if (auto r = exec("postgres", create); !r) return std::unexpected(r.error());
  return url(name);
}

Status PostgresCluster::make_template() {
  if (auto s = drop_database(kTemplate); !s) return s;
  if (auto r = exec("postgres", "CREATE DATABASE " + pg::quote_identifier(kTemplate)); !r) {
    return std::unexpected(r.error());
  }
  const SystemClock clock;
  auto conn = pg::Connection::open(pg::ConnectOptions{.url = url(kTemplate)}, clock);
  if (!conn) return std::unexpected(conn.error());
  if (auto m = pg::migrate(*conn); !m) return std::unexpected(m.error());
  template_ready_ = true;
  return {};
}

Status PostgresCluster::drop_database(std::string_view name) {
  if (!pg::is_valid_identifier(name)) return invalid("bad database name");
  auto r =
      exec("postgres", "DROP DATABASE IF EXISTS " + pg::quote_identifier(name) + " WITH (FORCE)");
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace orderops::testing
