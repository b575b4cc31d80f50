#include "wechatpay/bill_stream.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "wechatpay/encoding.h"

namespace orderops::wechatpay {
namespace {

std::string gzip(std::string_view plain) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, plain.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string bill_csv(int rows) {
  std::string csv = "分账时间,分账发起方,分账方,微信订单号\n";
  for (int i = 0; i < rows; ++i) {
    csv += "`2026-11-20 10:00:00,`1900009191,`1900000109,`42000000" + std::to_string(i) + "\n";
  }
  return csv + "总条数,分账成功金额\n`" + std::to_string(rows) + ",`1.00\n";
}

struct Collected {
  std::string bytes;
  BodySink sink = [this](std::string_view c) -> Status {
    bytes.append(c);
    return {};
  };
};

Result<BillDownload> feed(BillStream& s, std::string_view data, std::size_t piece,
                          std::string_view expected) {
  for (std::size_t i = 0; i < data.size(); i += piece) {
    if (auto st = s.write(data.substr(i, piece)); !st) return std::unexpected(st.error());
  }
  return s.finish(expected);
}

TEST(BillStream, GunzipsAndHashesTheUncompressedBill) {
  const std::string csv = bill_csv(5000);  // larger than one inflate buffer
  const std::string gz = gzip(csv);
  for (std::size_t piece : {1ul, 7ul, 4096ul, gz.size()}) {
    Collected out;
    BillStream stream(true, BillOutput::kDecompressed, out.sink);
    auto result = feed(stream, gz, piece, sha1_hex(csv));
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(out.bytes, csv);
    EXPECT_EQ(result->bill_bytes, csv.size());
    EXPECT_EQ(result->received_bytes, gz.size());
    EXPECT_EQ(result->sha1, sha1_hex(csv));
  }
}

TEST(BillStream, HashComparisonIgnoresCase) {
  const std::string csv = bill_csv(3);
  std::string upper = sha1_hex(csv);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Collected out;
  BillStream stream(true, BillOutput::kDecompressed, out.sink);
  EXPECT_TRUE(feed(stream, gzip(csv), 100, upper));
}

TEST(BillStream, MismatchIsRefusedAfterTheLastByte) {
  const std::string csv = bill_csv(3);
  Collected out;
  BillStream stream(true, BillOutput::kDecompressed, out.sink);
  // Hashing the gzip bytes instead of the CSV is the classic mistake: it must not pass.
  auto result = feed(stream, gzip(csv), 10, sha1_hex(gzip(csv)));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().reason, kReasonBillHashMismatch);
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(out.bytes, csv);  // everything was written; the caller discards it
}

TEST(BillStream, TruncatedAndCorruptGzipFail) {
  const std::string csv = bill_csv(50);
  const std::string gz = gzip(csv);
  Collected out;
  BillStream truncated(true, BillOutput::kDecompressed, out.sink);
  auto r = feed(truncated, std::string_view(gz).substr(0, gz.size() - 10), 64, sha1_hex(csv));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "BILL_CORRUPT");
  Collected out2;
  BillStream corrupt(true, BillOutput::kDecompressed, out2.sink);
  EXPECT_FALSE(feed(corrupt, "this is not gzip at all", 64, sha1_hex(csv)));
}

TEST(BillStream, ConcatenatedMembersAndPassThroughOutput) {
  const std::string a = bill_csv(2), b = bill_csv(3);
  const std::string gz = gzip(a) + gzip(b);
  Collected out;
  BillStream stream(true, BillOutput::kAsReceived, out.sink);
  auto result = feed(stream, gz, 33, sha1_hex(a + b));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(out.bytes, gz);
  EXPECT_EQ(result->bill_bytes, a.size() + b.size());
}

TEST(BillStream, PlainCsvWhenNotGzip) {
  const std::string csv = bill_csv(4);
  Collected out;
  BillStream stream(false, BillOutput::kDecompressed, out.sink);
  auto result = feed(stream, csv, 9, sha1_hex(csv));
  ASSERT_TRUE(result);
  EXPECT_EQ(out.bytes, csv);
}

TEST(BillStream, SinkErrorsStopTheStream) {
  const BodySink failing = [](std::string_view) -> Status {
    return make_error(ErrorCode::kInternal, "disk full");
  };
  BillStream stream(false, BillOutput::kDecompressed, failing);
  auto st = stream.write("abc");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "disk full");
}

}  // namespace
}  // namespace orderops::wechatpay
