// Requests and results of the WeChat Pay v3 profit-sharing endpoints used by the PSS jobs
// (jobs.md section 3). Money is integer fen. Enums decode unknown wire values to kUnknown and
// keep the wire text beside them, because WeChat adds values without notice. Plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace orderops::wechatpay {

enum class ReceiverType { kMerchantId, kPersonalOpenid, kPersonalSubOpenid };
enum class OrderState { kProcessing, kFinished, kUnknown };
enum class ReceiverResult { kPending, kSuccess, kClosed, kUnknown };

std::string_view to_string(ReceiverType type);  // "MERCHANT_ID", ...
std::string_view to_string(OrderState state);   // "PROCESSING", "FINISHED", "UNKNOWN"
std::string_view to_string(ReceiverResult result);
std::optional<ReceiverType> parse_receiver_type(std::string_view text);
OrderState parse_order_state(std::string_view text);
ReceiverResult parse_receiver_result(std::string_view text);

// A receiver's real name already encrypted (RSA-OAEP, Base64) for the platform key `serial`,
// e.g. as stored by an earlier request. Sent as is, with Wechatpay-Serial = serial.
struct SealedName {
  std::string ciphertext;
  std::string serial;
};

struct ReceiverRequest {
  ReceiverType type = ReceiverType::kMerchantId;
  std::string account;      // mchid or openid, <= 64
  std::int64_t amount = 0;  // fen, > 0
  std::string description;  // <= 80 characters, shows in bills
  // Optional real name. Plaintext is encrypted by the client with the current platform key; it is
  // never logged. At most one of the two.
  std::optional<std::string> name;
  std::optional<SealedName> sealed_name;
};

struct CreateOrderRequest {
  std::string appid;  // optional (needed for PERSONAL_OPENID receivers); empty = omitted
  std::string transaction_id;
  std::string out_order_no;  // <= 64, [0-9A-Za-z_-|*@]; the SAME number for every retry
  std::vector<ReceiverRequest> receivers;  // 1..50
  bool unfreeze_unsplit = false;
};

struct UnfreezeRequest {
  std::string transaction_id;
  std::string out_order_no;  // a NEW number, never the one of a split
  std::string description;
};

struct OrderReceiver {
  ReceiverType type = ReceiverType::kMerchantId;
  std::string type_text;
  std::string account;
  std::int64_t amount = 0;
  std::string description;
  ReceiverResult result = ReceiverResult::kUnknown;
  std::string result_text;
  std::string fail_reason;  // open set (ACCOUNT_ABNORMAL, NO_RELATION, ...); empty unless CLOSED
  std::string detail_id;
  std::optional<SystemTime> create_time;
  std::optional<SystemTime> finish_time;
};

struct Order {
  std::string transaction_id;
  std::string out_order_no;
  std::string order_id;
  OrderState state = OrderState::kUnknown;
  std::string state_text;
  std::vector<OrderReceiver> receivers;  // may be empty (unfreeze)
  std::optional<SystemTime> create_time;
  std::optional<SystemTime> finish_time;
  std::string raw_json;  // the verified response body, for response_payload (holds no names)
};

struct UnsplitAmount {
  std::string transaction_id;
  std::int64_t unsplit_amount = 0;  // fen
};

struct BillRequest {
  std::chrono::year_month_day bill_date;
  bool gzip = true;  // tar_type=GZIP
};

struct BillInfo {
  std::string hash_type;   // "SHA1"
  std::string hash_value;  // hex SHA-1 of the uncompressed bill
  std::string download_url;
  bool gzip = true;  // from the request: whether the download is gzip bytes
};

// What download_bill() delivered.
struct BillDownload {
  std::uint64_t received_bytes = 0;  // bytes on the wire
  std::uint64_t bill_bytes = 0;      // uncompressed CSV bytes
  std::string sha1;                  // lower-case hex of the uncompressed bill (it matched)
};

}  // namespace orderops::wechatpay
