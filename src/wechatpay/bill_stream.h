// Streaming bill check: downloaded bytes go through gunzip and SHA-1 to the caller's output, so
// memory stays flat; the hash covers the uncompressed bill and is compared after the last byte.
// Not thread-safe: one per download.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "wechatpay/encoding.h"
#include "wechatpay/transport.h"
#include "wechatpay/types.h"

namespace orderops::wechatpay {

enum class BillOutput {
  kDecompressed,  // the caller receives the CSV
  kAsReceived,    // the caller receives the bytes as downloaded (gzip when applied so)
};

// Error::reason when the downloaded bill does not match the announced hash.
inline constexpr std::string_view kReasonBillHashMismatch = "BILL_HASH_MISMATCH";

class BillStream {
 public:
  BillStream(bool gzip, BillOutput output, const BodySink& out);
  ~BillStream();
  BillStream(const BillStream&) = delete;
  BillStream& operator=(const BillStream&) = delete;

  Status write(std::string_view received);
  // Checks the stream ended cleanly and the SHA-1 equals `expected_hex` (case-insensitive);
  // mismatch -> kInvalid with reason BILL_HASH_MISMATCH.
  Result<BillDownload> finish(std::string_view expected_hex);
  std::uint64_t received_bytes() const { return received_; }

 private:
  struct Inflater;
  Status emit(std::string_view plain);

  BillOutput output_;
  const BodySink& out_;
  std::unique_ptr<Inflater> inflater_;  // null for plain CSV
  Sha1 sha_;
  std::uint64_t received_ = 0;
  std::uint64_t plain_ = 0;
};

}  // namespace orderops::wechatpay
