// Bill file paths: the layout, and that no storagePath or account can name a file outside
// storagePath.
#include <gtest/gtest.h>

#include "profitshare/bill_path.h"

namespace orderops::profitshare {
namespace {

using namespace std::chrono;

constexpr sys_days kDate = sys_days(year(2026) / November / 20);

TEST(BillPath, Layout) {
  auto p = bill_path("/var/lib/orderops/bills", kDate, "1900009191", true);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->full().string(),
            "/var/lib/orderops/bills/2026/11/1900009191/profit_share_2026-11-20_1900009191.csv.gz");
  auto plain = bill_path("/data/", kDate, "1900009191", false);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->file_name, "profit_share_2026-11-20_1900009191.csv");
  EXPECT_EQ(plain->directory.string(), "/data/2026/11/1900009191");
}

TEST(BillPath, StoragePathMustBeAbsoluteAndNormal) {
  for (const char* bad :
       {"", "bills", "./bills", "/var/../etc", "/var/lib/./bills", "/var/lib/bills/.."}) {
    SCOPED_TRACE(bad);
    auto s = validate_storage_path(bad);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("spec.billDownload.storagePath"), std::string::npos);
    EXPECT_FALSE(bill_path(bad, kDate, "1900009191", true));
  }
  EXPECT_FALSE(validate_storage_path(std::string("/var/bi\0lls", 11)));
  EXPECT_TRUE(validate_storage_path("/"));
  EXPECT_TRUE(validate_storage_path("/var/lib/orderops/bills/"));
}

TEST(BillPath, AccountMustBeDigits) {
  for (const char* bad :
       {"", "../../etc", "1900/0091", "19000091a", "..", "123456789012345678901234567890123"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(bill_path("/bills", kDate, bad, true));
  }
}

TEST(BillPath, WithinCheck) {
  EXPECT_TRUE(is_within("/bills", "/bills/2026/x"));
  EXPECT_TRUE(is_within("/bills/", "/bills/2026/x"));
  EXPECT_FALSE(is_within("/bills", "/billsx/2026"));
  EXPECT_FALSE(is_within("/bills", "/bills/../etc/passwd"));
  EXPECT_FALSE(is_within("/bills/a", "/bills"));
}

TEST(BillPath, FormatDate) {
  EXPECT_EQ(format_date(sys_days(year(2027) / January / 5)), "2027-01-05");
}

}  // namespace
}  // namespace orderops::profitshare
