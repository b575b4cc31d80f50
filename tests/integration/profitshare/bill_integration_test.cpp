// billDownload on a real PostgreSQL against the WeChat Pay mock: dates in the resource's time
// zone from the injected clock, apply + download at once, atomic files with a verified hash,
// pending / failed / expired tasks, and a storage path that cannot be escaped.
#include <zlib.h>

#include "common/time_format.h"
#include "profitshare_fixture.h"
#include "support/fake_clock.h"
#include "wechatpay/encoding.h"

namespace orderops::profitshare {
namespace {

namespace fs = std::filesystem;

// 12:00 in Shanghai: the bills of 06-12..06-14 (lookbackDays 3) are due.
constexpr const char* kNow = "2026-06-15T12:00:00+08:00";

std::string gunzip_file(const fs::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return "<cannot open>";
  std::string out;
  char buf[4096];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() || e.is_symlink())
      out.push_back(e.path().lexically_relative(root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class BillTest : public ProfitShareTest {
 protected:
  void SetUp() override {
    ProfitShareTest::SetUp();
    bill_status("2026-06-12", "ready");
    bill_status("2026-06-13", "no_statement");
    bill_status("2026-06-14", "ready");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(outside(), ec);  // the symlink test's target, also when it failed midway
    ProfitShareTest::TearDown();
  }
  fs::path outside() const { return storage_.string() + "-outside"; }
  void bill_status(const std::string& date, const std::string& status) {
    mock().admin_or_throw("POST", "/admin/bills", {{"bill_date", date}, {"status", status}});
  }
  ProfitShareRunResult run_bills(const ProfitShareConfig& c, bool dry_run = false) {
    return run(api::Task::kBillDownload, c, context(dry_run, &fake_clock_));
  }
  ProfitShareRunResult run_bills() { return run_bills(config()); }
  std::string task(const std::string& date, const std::string& expr) {
    return sql("SELECT " + expr + " FROM wechat_pay_profit_share_bill_task WHERE bill_date = '" +
               date + "'");
  }
  fs::path bill_file(const std::string& date) const {
    return storage_ / date.substr(0, 4) / date.substr(5, 2) / kMchId /
           ("profit_share_" + date + "_" + kMchId + ".csv.gz");
  }
  int applies(const std::string& date) {
    return requests("GET", "/v3/profitsharing/bills?bill_date=" + date);
  }

  orderops::testing::FakeClock fake_clock_{*parse_rfc3339(kNow)};
};

TEST_F(BillTest, DownloadsEveryAvailableDateIntoItsFile) {
  auto r = run_bills();
  EXPECT_EQ(r.outcome, api::Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.count("applied"), 2);
  EXPECT_EQ(r.count("downloaded"), 2);
  EXPECT_EQ(r.count("notReady"), 1);
  EXPECT_EQ(r.count("failed"), 0);
  for (const std::string date : {"2026-06-12", "2026-06-14"}) {
    SCOPED_TRACE(date);
    ASSERT_TRUE(fs::exists(bill_file(date)));
    const std::string csv = gunzip_file(bill_file(date));
    EXPECT_NE(csv.find("分账"), std::string::npos);
    EXPECT_EQ(task(date,
                   "concat_ws('|', status, tar_type, hash_type, attempts, local_path, "
                   "downloaded_at IS NOT NULL, last_error IS NULL)"),
              "downloaded|GZIP|SHA1|1|" + bill_file(date).string() + "|t|t");
    EXPECT_EQ(task(date, "lower(hash_value)"), wechatpay::sha1_hex(csv));
    EXPECT_EQ(fs::status(bill_file(date)).permissions() & fs::perms::others_all, fs::perms::none);
  }
  EXPECT_EQ(task("2026-06-13",
                 "concat_ws('|', status, attempts, last_error LIKE "
                 "'%NO_STATEMENT_EXIST%')"),
            "pending|1|t");
  // Nothing else on disk: no temporary files, no file for the missing date.
  EXPECT_EQ(files_under(storage_).size(), 2u);
  EXPECT_EQ(sql("SELECT string_agg(type || ':' || success, ',' ORDER BY id) FROM "
                "wechat_pay_profit_share_operation_log"),
            "apply_bill:true,download_bill:true,apply_bill:false,apply_bill:true,"
            "download_bill:true");
  for (const auto& m : r.metric_increments) {
    const std::int64_t want = m.label == "downloaded" ? 2 : m.label == "not_ready" ? 1 : 0;
    EXPECT_EQ(m.value, want) << m.label;
  }

  // Next run: only the missing date is asked for again.
  bill_status("2026-06-13", "ready");
  r = run_bills();
  EXPECT_EQ(r.count("downloaded"), 1) << r.message;
  EXPECT_EQ(applies("2026-06-12"), 1);
  EXPECT_EQ(applies("2026-06-13"), 2);
  EXPECT_EQ(task("2026-06-13", "concat_ws('|', status, attempts)"), "downloaded|2");
  EXPECT_TRUE(fs::exists(bill_file("2026-06-13")));
}

TEST_F(BillTest, WrongHashLeavesNoFileBehind) {
  mock().admin_or_throw("POST", "/admin/faults", {{"kind", "bill_hash_mismatch"}, {"count", -1}});
  const auto r = run_bills();
  EXPECT_EQ(r.outcome, api::Outcome::kPartiallyFailed) << r.message;
  EXPECT_EQ(r.count("failed"), 2);
  EXPECT_EQ(r.count("downloaded"), 0);
  EXPECT_NE(r.message.find("failed dates 2026-06-12, 2026-06-14"), std::string::npos) << r.message;
  EXPECT_TRUE(files_under(storage_).empty());
  EXPECT_EQ(task("2026-06-12",
                 "concat_ws('|', status, local_path IS NULL, last_error LIKE "
                 "'%BILL_HASH_MISMATCH%')"),
            "failed|t|t");
  // A failed date is tried again next run.
  mock().admin_or_throw("DELETE", "/admin/faults");
  const auto again = run_bills();
  EXPECT_EQ(again.count("downloaded"), 2) << again.message;
}

TEST_F(BillTest, StoragePathCannotBeEscaped) {
  // A storage path with ".." is refused before anything happens.
  auto c = config();
  c.bill_download.storage_path = (storage_ / ".." / "elsewhere").string();
  auto r = run_bills(c);
  EXPECT_EQ(r.outcome, api::Outcome::kFailed);
  EXPECT_NE(r.message.find("spec.billDownload.storagePath"), std::string::npos) << r.message;
  EXPECT_EQ(profitsharing_requests(), 0);

  // A symlink inside the storage path that leads out of it is not followed.
  fs::create_directories(outside());
  fs::create_directory_symlink(outside(), storage_ / "2026");
  r = run_bills();
  EXPECT_EQ(r.count("failed"), 2) << r.message;
  EXPECT_TRUE(fs::is_empty(outside()));  // not even a directory was made there
  EXPECT_EQ(files_under(storage_), std::vector<std::string>{"2026"});
}

TEST_F(BillTest, OldTasksExpireAndRecentFailuresAreRetried) {
  sql("INSERT INTO wechat_pay_profit_share_bill_task (merchant_id, bill_date, status, attempts) "
      "VALUES (7, '2026-06-01', 'failed', 3), (7, '2026-06-10', 'pending', 1), "
      "(7, '2026-06-09', 'downloaded', 1), (8, '2026-06-02', 'failed', 1)");
  bill_status("2026-06-10", "ready");
  auto c = config();
  c.bill_download.lookback_days = 1;  // 06-14 only, plus the pending 06-10
  const auto r = run_bills(c);
  EXPECT_EQ(r.count("expired"), 1) << r.message;
  EXPECT_EQ(r.count("downloaded"), 2);
  EXPECT_EQ(task("2026-06-01", "status"), "expired");
  EXPECT_EQ(task("2026-06-02", "status"), "failed");  // another merchant's
  EXPECT_EQ(task("2026-06-10", "concat_ws('|', status, attempts)"), "downloaded|2");
  EXPECT_EQ(applies("2026-06-09"), 0);
}

TEST_F(BillTest, BeforeTenNothingForYesterday) {
  fake_clock_.set_now(*parse_rfc3339("2026-06-15T09:30:00+08:00"));
  auto c = config();
  c.bill_download.lookback_days = 1;
  const auto r = run_bills(c);
  EXPECT_EQ(r.count("applied") + r.count("notReady") + r.count("failed"), 0) << r.message;
  EXPECT_EQ(profitsharing_requests(), 0);
}

}  // namespace
}  // namespace orderops::profitshare
