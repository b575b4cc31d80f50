// `orderops run -f` as an operator runs it: the real binary against a throwaway PostgreSQL, with
// Secrets from --secrets-dir or from a test API server; exit codes 0/1/2, the summary table, what
// changes in the database (and what a dry run leaves alone), deadlines, SIGINT, and that no
// password ever reaches the output.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "integration/runtime/child_process.h"
#include "pg/connection.h"
#include "postgres/postgres_environment.h"
#include "support/wechatpay-mock/mock_harness.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;

std::string bin_dir() {
  const char* dir = std::getenv("ORDEROPS_BIN_DIR");
  return dir != nullptr ? dir : "build/bin";
}

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

// The value column of a summary row ("approved       3   (note)" -> "3   (note)").
std::string row(const std::string& table, const std::string& label) {
  std::istringstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(label + "  ", 0) != 0) continue;
    const auto start = line.find_first_not_of(' ', label.size());
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "<no row " + label + ">";
}

// A polling loop; integration tests wait on real processes.
bool eventually(std::chrono::milliseconds limit, const std::function<bool()>& condition) {
  SystemClock clock;
  const auto deadline = clock.monotonic() + limit;
  while (clock.monotonic() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

class RunCliTest : public testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    char tmpl[] = "/tmp/orderops-run-cli-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    secrets_ = dir_ / "secrets";
    write(secrets_ / "shop-db" / "uri", url() + "\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  // An ATP manifest in namespace shop; `spec_extra` is indented spec YAML.
  std::string manifest(const std::string& spec_extra = "", const std::string& file = "atp.yaml") {
    const fs::path path = dir_ / file;
    write(path,
          "apiVersion: v1\nkind: Secret\nmetadata: {name: unrelated}\nstringData: {a: b}\n---\n"
          "apiVersion: orderops.io/v1alpha1\n"
          "kind: AftersalesTimeoutPolicy\n"
          "metadata: {name: shop-aftersales, namespace: shop}\n"
          "spec:\n"
          "  batchSize: 2\n"
          "  database:\n"
          "    secretRef: {name: shop-db, key: uri}\n" +
              spec_extra);
    return path.string();
  }

  // Overdue: 1-3 pending_approval, 11-12 pending_return, 21 pending_receive; 31 not yet due.
  void seed() {
    auto insert = [&](int first, int last, const std::string& state, const std::string& deadline) {
      sql("INSERT INTO order_aftersales (id, type, reference_number, reason, state, stage, "
          "auto_process_time, create_time) SELECT g, 'return_refund', 'R' || g, 'dont_want', '" +
          state + "', 'apply', " + deadline + ", now() FROM generate_series(" +
          std::to_string(first) + ", " + std::to_string(last) + ") g");
    };
    insert(1, 3, "pending_approval", "now() - interval '1 hour'");
    insert(11, 12, "pending_return", "now() - interval '2 hours'");
    insert(21, 21, "pending_receive", "now() - interval '3 hours'");
    insert(31, 31, "pending_approval", "now() + interval '1 day'");
  }

  std::string checksum() {
    return sql("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM "
               "order_aftersales t") +
           sql("SELECT count(*) FROM order_aftersales_logs");
  }
  std::int64_t count(const std::string& where) {
    return std::stoll(sql("SELECT count(*) FROM order_aftersales WHERE " + where));
  }

  std::unique_ptr<ChildProcess> start(const std::vector<std::string>& args,
                                      const std::string& program = "") {
    std::vector<std::string> argv{program.empty() ? bin_dir() + "/orderops" : program};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string tag = std::to_string(++processes_);
    return std::make_unique<ChildProcess>(argv, (dir_ / ("out" + tag)).string(),
                                          (dir_ / ("err" + tag)).string());
  }

  CliResult finish(ChildProcess& p, std::chrono::seconds limit = std::chrono::seconds(30)) {
    const bool ended = eventually(limit, [&] { return !p.running(); });
    EXPECT_TRUE(ended) << "process still running after " << limit.count() << "s";
    return {ended ? p.wait_exit() : -1, p.stdout_text(), p.stderr_text()};
  }

  CliResult run(const std::vector<std::string>& args, const std::string& program = "") {
    auto p = start(args, program);
    return finish(*p);
  }

  CliResult orderops_run(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"run"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  void expect_no_password(const CliResult& r) {
    EXPECT_EQ(r.all().find(cluster().password()), std::string::npos) << r.all();
  }

  fs::path dir_;
  fs::path secrets_;
  int processes_ = 0;
};

TEST_F(RunCliTest, LiveRunTransitionsOverdueRowsAndPrintsTheTable) {
  seed();
  const auto r = orderops_run({"-f", manifest(), "--secrets-dir", secrets_.string(), "-v"});
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(row(r.out, "outcome").rfind("Succeeded   (", 0), 0u) << r.out;
  EXPECT_EQ(row(r.out, "selected"), "6") << r.out;
  EXPECT_EQ(row(r.out, "approved"), "3") << r.out;
  EXPECT_EQ(row(r.out, "cancelled"), "2") << r.out;
  EXPECT_EQ(row(r.out, "received"), "1") << r.out;
  EXPECT_EQ(row(r.out, "failed"), "0") << r.out;
  EXPECT_EQ(row(r.out, "backlog"), "0 overdue (oldest 0s)") << r.out;
  EXPECT_NE(row(r.out, "database").find(":REDACTED@127.0.0.1"), std::string::npos) << r.out;
  EXPECT_EQ(row(r.out, "secrets"), "directory " + secrets_.string()) << r.out;

  std::smatch m;
  const std::string run_row = row(r.out, "run");
  ASSERT_TRUE(std::regex_match(run_row, m,
                               std::regex(R"((shop-aftersales-manual-[0-9a-f]{10})   )"
                                          R"(\(AftersalesTimeoutPolicy shop/shop-aftersales\))")))
      << r.out;
  const std::string run_id = m[1];

  EXPECT_EQ(count("state = 'approved' AND stage = 'audit'"), 3);
  EXPECT_EQ(count("state = 'cancelled'"), 2);
  EXPECT_EQ(count("state = 'pending_refund'"), 1);
  EXPECT_EQ(count("id = 31 AND state = 'pending_approval'"), 1);
  EXPECT_EQ(sql("SELECT count(*) FROM order_aftersales_logs WHERE context_data->>'runID' = '" +
                run_id + "'"),
            "6");
  // -v: JSON lines on stderr, tagged with the run; never the password.
  EXPECT_NE(r.err.find("\"runID\":\"" + run_id + "\""), std::string::npos) << r.err;
  expect_no_password(r);

  // Nothing is overdue any more: a second run succeeds with nothing to do.
  const auto again = orderops_run({"-f", manifest(), "--secrets-dir", secrets_.string()});
  EXPECT_EQ(again.code, 0) << again.all();
  EXPECT_EQ(row(again.out, "selected"), "0") << again.out;
  EXPECT_EQ(again.err, "");  // quiet without -v
}

TEST_F(RunCliTest, DryRunChangesNothingAndSaysWhatWouldChange) {
  seed();
  sql("UPDATE order_aftersales SET auto_process_time = NULL WHERE id = 31");
  const std::string before = checksum();
  const auto r = orderops_run({"-f", manifest(), "--secrets-dir", secrets_.string(), "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(checksum(), before);
  EXPECT_EQ(row(r.out, "mode"), "dry run: nothing was changed") << r.out;
  EXPECT_EQ(row(r.out, "would approve"), "3   (e.g. ids 1, 2, 3)") << r.out;
  EXPECT_EQ(row(r.out, "would cancel"), "2   (e.g. ids 11, 12)") << r.out;
  EXPECT_EQ(row(r.out, "would receive"), "1   (e.g. ids 21)") << r.out;
  EXPECT_EQ(row(r.out, "would set deadlines"), "1") << r.out;
  EXPECT_NE(row(r.out, "run").find(", dry run)"), std::string::npos) << r.out;
  EXPECT_EQ(row(r.out, "approved"), "<no row approved>") << r.out;
  expect_no_password(r);

  // spec.dryRun alone is a dry run too.
  const auto spec = orderops_run(
      {"-f", manifest("  dryRun: true\n", "dry.yaml"), "--secrets-dir", secrets_.string()});
  ASSERT_EQ(spec.code, 0) << spec.all();
  EXPECT_EQ(row(spec.out, "would approve"), "3   (e.g. ids 1, 2, 3)") << spec.out;
  EXPECT_EQ(checksum(), before);
}

TEST_F(RunCliTest, BadInputExitsTwoAndNamesTheProblem) {
  const std::string sd = secrets_.string();
  const auto schedule =
      orderops_run({"-f", manifest("  schedule: \"61 * * * *\"\n", "s.yaml"), "--secrets-dir", sd});
  EXPECT_EQ(schedule.code, 2) << schedule.all();
  EXPECT_NE(schedule.err.find("spec.schedule"), std::string::npos) << schedule.err;
  EXPECT_EQ(schedule.out, "");

  const auto type =
      orderops_run({"-f", manifest("  parallelism: lots\n", "t.yaml"), "--secrets-dir", sd});
  EXPECT_EQ(type.code, 2) << type.all();
  EXPECT_NE(type.err.find("spec.parallelism"), std::string::npos) << type.err;

  const auto missing = orderops_run({"-f", (dir_ / "nope.yaml").string(), "--secrets-dir", sd});
  EXPECT_EQ(missing.code, 2) << missing.all();
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;

  const auto no_file = orderops_run({"--secrets-dir", sd});
  EXPECT_EQ(no_file.code, 2) << no_file.all();
  EXPECT_NE(no_file.err.find("-f"), std::string::npos) << no_file.err;

  const auto flag = orderops_run({"-f", manifest(), "--bogus"});
  EXPECT_EQ(flag.code, 2) << flag.all();
  EXPECT_NE(flag.err.find("--bogus"), std::string::npos) << flag.err;

  const auto task = orderops_run({"-f", manifest(), "--secrets-dir", sd, "--task", "sync"});
  EXPECT_EQ(task.code, 2) << task.all();
  EXPECT_NE(task.err.find("--task sync"), std::string::npos) << task.err;

  const auto unknown = orderops_run({"-f", manifest(), "--secrets-dir", sd, "--task", "x"});
  EXPECT_EQ(unknown.code, 2) << unknown.all();
  EXPECT_NE(unknown.err.find("--task"), std::string::npos) << unknown.err;

  const auto help = orderops_run({"--help"});
  EXPECT_EQ(help.code, 0) << help.all();
  EXPECT_NE(help.out.find("PartiallyFailed"), std::string::npos) << help.out;
}

TEST_F(RunCliTest, MissingSecretOrKeyExitsTwoWithoutShowingValues) {
  seed();
  const std::string before = checksum();
  const auto no_secret =
      orderops_run({"-f", manifest(), "--secrets-dir", (dir_ / "empty").string()});
  EXPECT_EQ(no_secret.code, 2) << no_secret.all();
  EXPECT_NE(no_secret.err.find("--secrets-dir"), std::string::npos) << no_secret.err;

  fs::create_directories(dir_ / "other");
  const auto absent = orderops_run({"-f", manifest(), "--secrets-dir", (dir_ / "other").string()});
  EXPECT_EQ(absent.code, 2) << absent.all();
  EXPECT_NE(absent.err.find("secret shop/shop-db not found"), std::string::npos) << absent.err;

  write(dir_ / "wrongkey" / "shop-db" / "url", url());
  const auto key = orderops_run({"-f", manifest(), "--secrets-dir", (dir_ / "wrongkey").string()});
  EXPECT_EQ(key.code, 2) << key.all();
  EXPECT_NE(key.err.find("secret shop/shop-db has no key \"uri\""), std::string::npos) << key.err;
  expect_no_password(key);

  write(dir_ / "blank" / "shop-db" / "uri", "\n");
  const auto blank = orderops_run({"-f", manifest(), "--secrets-dir", (dir_ / "blank").string()});
  EXPECT_EQ(blank.code, 2) << blank.all();
  EXPECT_NE(blank.err.find("is empty"), std::string::npos) << blank.err;
  EXPECT_EQ(checksum(), before);
}

TEST_F(RunCliTest, RefusedPasswordFailsWithExitOneAndNeverShowsIt) {
  seed();
  const std::string wrong = "Wrong-Pass-9d2e";
  write(dir_ / "bad" / "shop-db" / "uri", cluster().url_as("postgres", wrong, database()) + "\n");
  const auto r = orderops_run({"-f", manifest(), "--secrets-dir", (dir_ / "bad").string(), "-v"});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_EQ(row(r.out, "outcome").rfind("Failed", 0), 0u) << r.out;
  EXPECT_NE(row(r.out, "message").find("database unavailable"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(wrong), std::string::npos) << r.all();
  expect_no_password(r);
  EXPECT_EQ(count("state = 'pending_approval'"), 4);
}

TEST_F(RunCliTest, MissingSchemaFailsWithTheMigrateHint) {
  sql("DROP TABLE order_aftersales_logs");
  const auto r = orderops_run({"-f", manifest(), "--secrets-dir", secrets_.string()});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_NE(row(r.out, "message").find("orderops db migrate"), std::string::npos) << r.out;
}

TEST_F(RunCliTest, ProfitShareSyncRunsAgainstTheMockAndDryRunChangesNothing) {
  auto mock = wechatpay::testing::MockServer::start({});
  ASSERT_TRUE(mock) << mock.error().message;
  const std::string mch_id = (*mock)->read_state_file("mch_id");
  for (const char* key : {"apiclient_key.pem", "merchant_serial_no", "apiv3_key"}) {
    write(secrets_ / "wx" / key, (*mock)->read_state_file(key));
  }
  sql("INSERT INTO wechat_payment_merchant (id, mch_id) VALUES (7, '" + mch_id + "')");
  sql("INSERT INTO wechat_pay_profit_share_order (merchant_id, transaction_id, out_order_no, "
      "state, kind, unfreeze_unsplit, create_time, update_time) VALUES (7, '4200000001', "
      "'P20261121001', 'PROCESSING', 'SPLIT', false, now(), now())");
  (*mock)->admin_or_throw(
      "POST", "/admin/transactions",
      {{"transaction_id", "4200000001"}, {"amount", 1000}, {"max_ratio", 10000}});
  (*mock)->admin_or_throw("POST", "/admin/orders",
                          {{"transaction_id", "4200000001"},
                           {"out_order_no", "P20261121001"},
                           {"receivers",
                            {{{"type", "MERCHANT_ID"},
                              {"account", "1900000109"},
                              {"amount", 100},
                              {"description", "split"}}}},
                           {"state", "PROCESSING"}});
  write(dir_ / "pss.yaml",
        "apiVersion: orderops.io/v1alpha1\nkind: ProfitShareSchedule\n"
        "metadata: {name: merchant-1, namespace: shop}\n"
        "spec:\n  merchant: {mchId: \"" +
            mch_id +
            "\", credentialsSecretRef: {name: wx}}\n"
            "  endpoint: " +
            (*mock)->url() + "\n  database: {secretRef: {name: shop-db}}\n");
  const std::string pss = (dir_ / "pss.yaml").string();
  const std::string sd = secrets_.string();
  auto state = [&] {
    return sql(
        "SELECT state FROM wechat_pay_profit_share_order WHERE out_order_no = "
        "'P20261121001'");
  };

  const auto dry = orderops_run({"-f", pss, "--task", "sync", "--dry-run", "--secrets-dir", sd});
  EXPECT_EQ(dry.code, 0) << dry.all();
  EXPECT_EQ(state(), "PROCESSING");

  const auto r = orderops_run({"-f", pss, "--task", "sync", "--secrets-dir", sd});
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(row(r.out, "outcome").substr(0, 9), "Succeeded") << r.out;
  EXPECT_EQ(row(r.out, "finished"), "1") << r.out;
  EXPECT_EQ(state(), "FINISHED");
  const std::string apiv3 = (*mock)->read_state_file("apiv3_key");
  EXPECT_EQ(r.all().find(apiv3), std::string::npos);

  const auto no_task = orderops_run({"-f", pss, "--secrets-dir", sd});
  EXPECT_EQ(no_task.code, 2) << no_task.all();
  EXPECT_NE(no_task.err.find("--task is required"), std::string::npos) << no_task.err;
  const auto atp_task = orderops_run({"-f", pss, "--task", "aftersales", "--secrets-dir", sd});
  EXPECT_EQ(atp_task.code, 2) << atp_task.all();
  std::filesystem::remove_all(secrets_ / "wx");
  const auto no_credentials = orderops_run({"-f", pss, "--task", "sync", "--secrets-dir", sd});
  EXPECT_EQ(no_credentials.code, 2) << no_credentials.all();
  EXPECT_NE(no_credentials.err.find("wx"), std::string::npos) << no_credentials.err;
}

// Holds an EXCLUSIVE lock on the table: reads (the schema probe, a dry run) pass, the job's
// updates wait, so a live run stays busy until it is stopped.
class TableLock {
 public:
  explicit TableLock(const std::string& url) {
    auto conn = pg::Connection::open(pg::ConnectOptions{.url = url}, clock_);
    EXPECT_TRUE(conn.has_value()) << conn.error().to_string();
    if (!conn) return;
    conn_ = std::make_unique<pg::Connection>(std::move(*conn));
    auto tx = conn_->begin();
    EXPECT_TRUE(tx.has_value()) << tx.error().to_string();
    if (!tx) return;
    tx_ = std::make_unique<pg::Transaction>(std::move(*tx));
    auto locked = tx_->exec("LOCK TABLE order_aftersales IN EXCLUSIVE MODE");
    EXPECT_TRUE(locked.has_value()) << locked.error().to_string();
  }

 private:
  SystemClock clock_;
  std::unique_ptr<pg::Connection> conn_;
  std::unique_ptr<pg::Transaction> tx_;
};

TEST_F(RunCliTest, ActiveDeadlineSecondsEndsTheRun) {
  seed();
  TableLock lock(url());
  const auto r = orderops_run(
      {"-f", manifest("  activeDeadlineSeconds: 1\n"), "--secrets-dir", secrets_.string()});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_EQ(row(r.out, "outcome").rfind("DeadlineExceeded", 0), 0u) << r.out;
  EXPECT_NE(row(r.out, "message").find("activeDeadlineSeconds exceeded"), std::string::npos)
      << r.out;
}

TEST_F(RunCliTest, SigintCancelsTheRunCleanly) {
  seed();
  TableLock lock(url());
  auto p = start({"run", "-f", manifest(), "--secrets-dir", secrets_.string(), "-v"});
  ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] {
    return p->stderr_text().find("aftersales run started") != std::string::npos;
  })) << p->stderr_text();
  p->signal(SIGINT);
  const auto r = finish(*p, std::chrono::seconds(10));
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_EQ(row(r.out, "outcome").rfind("Cancelled", 0), 0u) << r.out;
  EXPECT_EQ(row(r.out, "message").rfind("interrupted by SIGINT", 0), 0u) << r.out;
}

// Secrets from the cluster: a test API server, the Secret applied with kubectl.
TEST_F(RunCliTest, ReadsTheSecretFromTheCluster) {
  seed();
  const std::string kubeconfig = (dir_ / "kubeconfig").string();
  auto server = start({"--port", "0", "--write-kubeconfig", kubeconfig},
                      bin_dir() + "/orderops-test-apiserver");
  ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] {
    return server->stdout_text().find("listening on ") != std::string::npos;
  })) << server->stderr_text();

  write(dir_ / "secret.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata: {name: shop-db, namespace: shop}\n"
        "stringData:\n  uri: \"" +
            url() + "\"\n");
  const auto applied = run({"apply", "-f", (dir_ / "secret.yaml").string(), "--kubeconfig",
                            kubeconfig, "--cache-dir", (dir_ / "kubecache").string()},
                           "/usr/bin/kubectl");
  ASSERT_EQ(applied.code, 0) << applied.all();

  const auto r = orderops_run({"-f", manifest(), "--kubeconfig", kubeconfig});
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(row(r.out, "approved"), "3") << r.out;
  EXPECT_EQ(row(r.out, "secrets").rfind("cluster https://127.0.0.1:", 0), 0u) << r.out;
  EXPECT_EQ(count("state = 'approved'"), 3);
  expect_no_password(r);

  // A Secret the cluster does not have is the user's to fix.
  write(dir_ / "other.yaml",
        "apiVersion: orderops.io/v1alpha1\nkind: AftersalesTimeoutPolicy\n"
        "metadata: {name: other, namespace: shop}\n"
        "spec: {database: {secretRef: {name: nowhere}}}\n");
  const auto missing =
      orderops_run({"-f", (dir_ / "other.yaml").string(), "--kubeconfig", kubeconfig});
  EXPECT_EQ(missing.code, 2) << missing.all();
  EXPECT_NE(missing.err.find("secret shop/nowhere not found"), std::string::npos) << missing.err;
  server->signal(SIGTERM);
  EXPECT_EQ(finish(*server).code, 0);
}

}  // namespace
}  // namespace orderops
