#include "wechatpay/bill_stream.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace orderops::wechatpay {
namespace {

constexpr std::size_t kOutChunk = 64 * 1024;
constexpr int kGzipWindowBits = 16 + MAX_WBITS;  // gzip header only, not raw zlib

bool equal_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

struct BillStream::Inflater {
  z_stream zs{};
  bool ok = false;
  bool ended = false;  // last member complete and nothing after it yet
  Inflater() { ok = inflateInit2(&zs, kGzipWindowBits) == Z_OK; }
  ~Inflater() {
    if (ok) inflateEnd(&zs);
  }
};

BillStream::BillStream(bool gzip, BillOutput output, const BodySink& out)
    : output_(output), out_(out) {
  if (gzip) inflater_ = std::make_unique<Inflater>();
}

BillStream::~BillStream() = default;

Status BillStream::emit(std::string_view plain) {
  plain_ += plain.size();
  sha_.update(plain);
  if (output_ == BillOutput::kDecompressed && !plain.empty()) return out_(plain);
  return {};
}

Status BillStream::write(std::string_view received) {
  received_ += received.size();
  if (output_ == BillOutput::kAsReceived && !received.empty()) {
    if (auto st = out_(received); !st) return st;
  }
  if (!inflater_) return emit(received);
  if (!inflater_->ok) return make_error(ErrorCode::kInternal, "zlib initialisation failed");
  z_stream& zs = inflater_->zs;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(received.data()));
  zs.avail_in = static_cast<uInt>(received.size());
  std::array<char, kOutChunk> buf;
  bool out_full = false;  // zlib may hold more output than fitted: call again
  while (zs.avail_in > 0 || out_full) {
    if (inflater_->ended) {
      if (zs.avail_in == 0) break;
      // Concatenated gzip members are one valid gzip file.
      inflateReset(&zs);
      inflater_->ended = false;
    }
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return make_error(ErrorCode::kInvalid, "bill is not valid gzip data", "BILL_CORRUPT");
    }
    if (auto st = emit(std::string_view(buf.data(), buf.size() - zs.avail_out)); !st) return st;
    out_full = zs.avail_out == 0;
    if (rc == Z_STREAM_END) inflater_->ended = true;
    if (rc == Z_BUF_ERROR) break;  // no progress possible until more input arrives
  }
  return {};
}

Result<BillDownload> BillStream::finish(std::string_view expected_hex) {
  if (inflater_ && !inflater_->ended) {
    return make_error(ErrorCode::kInvalid, "bill gzip stream is truncated", "BILL_CORRUPT");
  }
  BillDownload out{received_, plain_, sha_.final_hex()};
  if (!equal_ignore_case(out.sha1, expected_hex)) {
    return make_error(
        ErrorCode::kInvalid,
        "bill SHA-1 " + out.sha1 + " does not match the announced " + std::string(expected_hex),
        std::string(kReasonBillHashMismatch));
  }
  return out;
}

}  // namespace orderops::wechatpay
