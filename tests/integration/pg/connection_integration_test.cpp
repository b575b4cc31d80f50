// src/pg sessions against a real server: SQLSTATE mapping at connect and at run time,
// cancellation, timeouts, lost sessions, transactions and savepoints, and that no message ever
// carries the password.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <stop_token>
#include <thread>

#include "pg/connection.h"
#include "postgres/postgres_environment.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops::pg {
namespace {

class PgConnectionTest : public testing::PostgresTest {
 protected:
  bool migrate_database() const override { return false; }

  Result<Connection> open(const std::string& url, ConnectOptions options = {}) {
    options.url = url;
    return Connection::open(options, clock_);
  }
  Connection open_ok(ConnectOptions options = {}) {
    auto c = open(url(), std::move(options));
    EXPECT_TRUE(c.has_value()) << c.error().to_string();
    return std::move(*c);
  }
  // The password must not appear in any part of an error a user could see.
  void expect_no_secret(const Error& e, const std::string& secret) {
    EXPECT_EQ(e.message.find(secret), std::string::npos) << e.message;
    EXPECT_EQ(e.to_string().find(secret), std::string::npos) << e.to_string();
  }

  SystemClock clock_;
};

// A TCP listener that never answers: connections are accepted by the kernel and then hang.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(PgConnectionTest, WrongPasswordIsUnauthorizedAndNeverEchoed) {
  const std::string secret = "wrong-Secret-91f";
  auto c = open(cluster().url_as("postgres", secret, database()));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kUnauthorized) << c.error().to_string();
  EXPECT_EQ(c.error().reason, "28P01");
  EXPECT_NE(c.error().message.find("password authentication failed"), std::string::npos);
  EXPECT_NE(c.error().message.find("postgres:REDACTED@127.0.0.1"), std::string::npos);
  expect_no_secret(c.error(), secret);
}

TEST_F(PgConnectionTest, MissingPasswordIsUnauthorized) {
  auto c = open("postgresql://postgres@127.0.0.1:" + std::to_string(cluster().port()) + "/" +
                database() + "?passfile=/nonexistent");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kUnauthorized) << c.error().to_string();
}

TEST_F(PgConnectionTest, MissingDatabaseIsNotFound) {
  auto c = open(cluster().url("no_such_db"));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound) << c.error().to_string();
  EXPECT_EQ(c.error().reason, "3D000");
  EXPECT_NE(c.error().message.find("no_such_db"), std::string::npos);
  expect_no_secret(c.error(), cluster().password());
}

TEST_F(PgConnectionTest, NobodyListeningIsUnavailable) {
  int port = 0;
  {
    SilentServer reserve;  // a port that was free a moment ago; closing it leaves nobody there
    port = reserve.port();
  }
  auto c = open("postgresql://postgres:" + cluster().password() +
                "@127.0.0.1:" + std::to_string(port) + "/db");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable) << c.error().to_string();
  EXPECT_EQ(c.error().reason, "08001");
  expect_no_secret(c.error(), cluster().password());
}

TEST_F(PgConnectionTest, SilentServerTimesOutAsUnavailable) {
  SilentServer silent;
  ConnectOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  const auto started = clock_.monotonic();
  auto c = open("postgresql://postgres:" + cluster().password() +
                    "@127.0.0.1:" + std::to_string(silent.port()) + "/db",
                options);
  const auto took = clock_.monotonic() - started;
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(c.error().message.find("timed out"), std::string::npos) << c.error().message;
  EXPECT_LT(took, std::chrono::seconds(5));
  expect_no_secret(c.error(), cluster().password());
}

TEST_F(PgConnectionTest, StopRequestAbortsConnect) {
  SilentServer silent;
  std::stop_source stop;
  auto pending = std::async(std::launch::async, [&] {
    return Connection::open(
        ConnectOptions{.url = "postgresql://u:p@127.0.0.1:" + std::to_string(silent.port()) + "/db",
                       .connect_timeout = std::chrono::seconds(30)},
        clock_, stop.get_token());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop.request_stop();
  auto c = pending.get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kCancelled);
}

TEST_F(PgConnectionTest, BadUrlIsInvalidWithoutTheSecret) {
  auto c = open("postgresql://postgres:s3cr%ZZet-77@127.0.0.1:1/db");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalid) << c.error().to_string();
  expect_no_secret(c.error(), "s3cr%ZZet-77");
  expect_no_secret(c.error(), "ZZet-77");
}

TEST_F(PgConnectionTest, ServerGoingDownIsUnavailable) {
  auto other = testing::PostgresCluster::start();
  ASSERT_TRUE(other.has_value()) << other.error().to_string();
  auto c = open((*other)->url());
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  ASSERT_TRUE((*other)->stop().has_value());
  auto r = c->exec("SELECT 1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().to_string();
  EXPECT_FALSE(c->is_open());
  auto again = open((*other)->url());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kUnavailable);
  expect_no_secret(r.error(), (*other)->password());
  expect_no_secret(again.error(), (*other)->password());
  // The same cluster comes back and serves again.
  ASSERT_TRUE((*other)->start_again().has_value());
  EXPECT_TRUE(ping(ConnectOptions{.url = (*other)->url()}, clock_).has_value());
}

TEST_F(PgConnectionTest, TerminatedSessionIsUnavailableAndStaysClosed) {
  auto conn = open_ok();
  sql("SELECT pg_terminate_backend(" + std::to_string(conn.backend_pid()) + ")");
  auto r = conn.exec("SELECT 1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().to_string();
  EXPECT_FALSE(conn.is_open());
  auto later = conn.exec("SELECT 1");
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().code, ErrorCode::kUnavailable) << later.error().to_string();
}

TEST_F(PgConnectionTest, CancelFromAnotherThreadIsCancelled) {
  auto conn = open_ok();
  auto canceller = conn.canceller();
  std::jthread killer([&] {
    // Wait until the statement is really running before cancelling it.
    for (int i = 0; i < 200; ++i) {
      if (sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'") ==
          "1")
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    canceller.cancel();
  });
  const auto started = clock_.monotonic();
  auto r = conn.exec("SELECT pg_sleep(30)");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled) << r.error().to_string();
  EXPECT_EQ(r.error().reason, "57014");
  EXPECT_LT(clock_.monotonic() - started, std::chrono::seconds(10));
  EXPECT_TRUE(conn.exec("SELECT 1").has_value());
}

TEST_F(PgConnectionTest, StopTokenCancelsARunningStatement) {
  auto conn = open_ok();
  std::stop_source stop;
  CancelOnStop guard(conn.canceller(), stop.get_token());
  std::jthread stopper([&] {
    for (int i = 0; i < 200; ++i) {
      if (sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(31)%'") ==
          "1")
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop.request_stop();
  });
  auto r = conn.exec("SELECT pg_sleep(31)");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled) << r.error().to_string();
}

TEST_F(PgConnectionTest, StatementTimeoutIsTimeout) {
  ConnectOptions options;
  options.statement_timeout = std::chrono::milliseconds(100);
  auto conn = open_ok(options);
  auto r = conn.exec("SELECT pg_sleep(5)");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout) << r.error().to_string();
  EXPECT_EQ(r.error().reason, "57014");
  // A transaction may allow itself longer.
  auto tx = conn.begin(TxOptions{.statement_timeout = std::chrono::seconds(10)});
  ASSERT_TRUE(tx.has_value());
  EXPECT_TRUE(tx->exec("SELECT pg_sleep(0.2)").has_value());
}

TEST_F(PgConnectionTest, SchemaAndConstraintErrorsAreMapped) {
  auto conn = open_ok();
  auto table = conn.exec("SELECT * FROM no_such_table");
  ASSERT_FALSE(table.has_value());
  EXPECT_EQ(table.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(table.error().reason, "42P01");
  EXPECT_NE(table.error().message.find("no_such_table"), std::string::npos);
  ASSERT_TRUE(conn.exec("CREATE TABLE t (id int PRIMARY KEY, v text)").has_value());
  auto column = conn.exec("SELECT nope FROM t");
  ASSERT_FALSE(column.has_value());
  EXPECT_EQ(column.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(column.error().reason, "42703");
  ASSERT_TRUE(conn.exec("INSERT INTO t VALUES (1, 'a')").has_value());
  auto dup = conn.exec("INSERT INTO t VALUES ($1, $2)", {"1", "b"});
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().reason, "23505");
}

TEST_F(PgConnectionTest, ParametersAndNullsRoundTrip) {
  auto conn = open_ok();
  auto r = conn.exec("SELECT $1::text, $2::text IS NULL, $3::bigint + 1, 't'::bool",
                     {"it's \"quoted\"", std::nullopt, "41"});
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->text(0, 0), "it's \"quoted\"");
  EXPECT_EQ(r->boolean(0, 1).value(), true);
  EXPECT_EQ(r->int64(0, 2).value(), 42);
  const std::int64_t ids[] = {3, 1, 2};
  auto arr = conn.exec("SELECT sum(x) FROM unnest($1::bigint[]) x", {bigint_array(ids)});
  ASSERT_TRUE(arr.has_value());
  EXPECT_EQ(arr->int64(0, 0).value(), 6);
}

TEST_F(PgConnectionTest, GuardedStatementFailureKeepsTheTransaction) {
  auto conn = open_ok();
  ASSERT_TRUE(conn.exec("CREATE TABLE t (id int PRIMARY KEY)").has_value());
  auto tx = conn.begin();
  ASSERT_TRUE(tx.has_value());
  ASSERT_TRUE(tx->exec("INSERT INTO t VALUES (1)").has_value());
  EXPECT_FALSE(tx->exec_guarded("INSERT INTO t VALUES ($1::int)", {"1"}).has_value());
  EXPECT_TRUE(tx->exec_guarded("INSERT INTO t VALUES ($1::int)", {"2"}).has_value());
  ASSERT_TRUE(tx->commit().has_value());
  EXPECT_EQ(sql("SELECT string_agg(id::text, ',' ORDER BY id) FROM t"), "1,2");
}

TEST_F(PgConnectionTest, CommitAfterAFailedStatementIsRefused) {
  auto conn = open_ok();
  ASSERT_TRUE(conn.exec("CREATE TABLE t (id int PRIMARY KEY)").has_value());
  auto tx = conn.begin();
  ASSERT_TRUE(tx->exec("INSERT INTO t VALUES (1)").has_value());
  EXPECT_FALSE(tx->exec("INSERT INTO t VALUES (1)").has_value());
  EXPECT_FALSE(tx->commit().has_value());
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "0");
}

TEST_F(PgConnectionTest, UncommittedTransactionRollsBack) {
  auto conn = open_ok();
  ASSERT_TRUE(conn.exec("CREATE TABLE t (id int)").has_value());
  {
    auto tx = conn.begin();
    ASSERT_TRUE(tx->exec("INSERT INTO t VALUES (1)").has_value());
  }
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "0");
  auto ro = conn.begin(TxOptions{.read_only = true});
  ASSERT_TRUE(ro.has_value());
  EXPECT_FALSE(ro->exec("INSERT INTO t VALUES (2)").has_value());
}

}  // namespace
}  // namespace orderops::pg
