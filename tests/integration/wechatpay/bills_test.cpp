// Bills: apply, download through gunzip + SHA-1, refusal of a mismatching hash, expiry of the
// download URL, NO_STATEMENT_EXIST.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "fixture.h"
#include "wechatpay/api_error.h"

namespace orderops::wechatpay {
namespace {

class BillTest : public MockTest {
 protected:
  // Pays two receivers today and marks today's bill as generated.
  std::chrono::year_month_day pay_and_publish() {
    seed_transaction("4400000001", 10000);
    auto c = client();
    CreateOrderRequest req = split("4400000001", "BILL-1", 1234);
    req.receivers.push_back({ReceiverType::kPersonalOpenid, "o-bill", 56, "个人分账"});
    EXPECT_TRUE(c->create_order(req));
    EXPECT_TRUE(c->query_order("BILL-1", "4400000001"));
    const auto ledger = mock().admin_or_throw("GET", "/admin/ledger");
    const std::string date = ledger.at(0)["time"].get<std::string>().substr(0, 10);
    mock().admin_or_throw("POST", "/admin/bills", {{"bill_date", date}, {"status", "ready"}});
    int y = 0;
    unsigned m = 0, d = 0;
    std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &d);
    return std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d);
  }
};

TEST_F(BillTest, AppliesDownloadsGunzipsAndVerifies) {
  const auto date = pay_and_publish();
  auto c = client();
  auto info = c->apply_bill({date});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->hash_type, "SHA1");
  EXPECT_TRUE(info->download_url.starts_with(mock().url() + "/v3/billdownload/file?token="));
  std::ostringstream csv;
  auto dl = c->download_bill_to_stream(*info, csv);
  ASSERT_TRUE(dl) << dl.error().message;
  EXPECT_EQ(dl->bill_bytes, csv.str().size());
  EXPECT_LT(dl->received_bytes, dl->bill_bytes + 64);  // it came gzipped
  EXPECT_NE(csv.str().find("`o-bill,`0.56,"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("`1900000109,`12.34,"), std::string::npos);
  EXPECT_NE(csv.str().find("`2,`12.90,"), std::string::npos);  // summary: 2 rows, 12.90 yuan
  // The file answer is not signed; the client did not ask it to be.
  for (const auto& r : requests()) {
    if (r["target"].get<std::string>().starts_with("/v3/billdownload/file")) {
      EXPECT_EQ(r["status"], 200);
    }
  }
}

TEST_F(BillTest, DownloadToAFileDescriptorKeepsTheGzipWhenAsked) {
  const auto date = pay_and_publish();
  auto c = client();
  auto info = c->apply_bill({date});
  ASSERT_TRUE(info);
  char path[] = "/tmp/orderops-bill-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  auto dl = c->download_bill_to_fd(*info, fd, BillOutput::kAsReceived);
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  ::unlink(path);
  ASSERT_TRUE(dl) << dl.error().message;
  EXPECT_EQ(bytes.str().size(), dl->received_bytes);
  EXPECT_EQ(bytes.str().substr(0, 2), "\x1f\x8b");  // gzip magic
}

TEST_F(BillTest, PlainCsvWithoutGzip) {
  const auto date = pay_and_publish();
  auto c = client();
  auto info = c->apply_bill({date, false});
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->gzip);
  std::string out;
  auto dl = c->download_bill(*info, [&](std::string_view chunk) -> Status {
    out.append(chunk);
    return {};
  });
  ASSERT_TRUE(dl) << dl.error().message;
  EXPECT_EQ(dl->received_bytes, dl->bill_bytes);
  EXPECT_TRUE(out.starts_with("分账时间,"));
}

TEST_F(BillTest, AMismatchingHashIsRefused) {
  const auto date = pay_and_publish();
  fault({{"kind", "bill_hash_mismatch"}});
  auto c = client();
  auto info = c->apply_bill({date});
  ASSERT_TRUE(info);
  std::ostringstream csv;
  auto dl = c->download_bill_to_stream(*info, csv);
  ASSERT_FALSE(dl);
  EXPECT_EQ(dl.error().reason, kReasonBillHashMismatch);
  EXPECT_EQ(dl.error().code, ErrorCode::kInvalid);
}

TEST_F(BillTest, TheDownloadUrlLivesThirtySeconds) {
  const auto date = pay_and_publish();
  auto c = client();
  auto info = c->apply_bill({date});
  ASSERT_TRUE(info);
  mock().admin_or_throw("POST", "/admin/time", {{"advance_seconds", 31}});
  std::ostringstream csv;
  auto dl = c->download_bill_to_stream(*info, csv);
  mock().admin_or_throw("POST", "/admin/time", {{"advance_seconds", -31}});
  ASSERT_FALSE(dl);
  EXPECT_EQ(dl.error().reason, kCodeInvalidRequest);
  EXPECT_NE(dl.error().message.find("过期"), std::string::npos);
}

TEST_F(BillTest, NotGeneratedYetAndTooOld) {
  auto c = client();
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(clock_.now() + std::chrono::hours(8)));
  auto r = c->apply_bill({today});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().reason, kCodeNoStatement);
  const std::chrono::year_month_day old(std::chrono::sys_days(today) - std::chrono::days(120));
  auto expired = c->apply_bill({old});
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().reason, kCodeInvalidRequest);
  EXPECT_NE(expired.error().message.find("已过期"), std::string::npos);
}

}  // namespace
}  // namespace orderops::wechatpay
