#include "wechatpay/types.h"

namespace orderops::wechatpay {

std::string_view to_string(ReceiverType type) {
  switch (type) {
    case ReceiverType::kMerchantId:
      return "MERCHANT_ID";
    case ReceiverType::kPersonalOpenid:
      return "PERSONAL_OPENID";
    case ReceiverType::kPersonalSubOpenid:
      return "PERSONAL_SUB_OPENID";
  }
  return "MERCHANT_ID";
}

std::string_view to_string(OrderState state) {
  switch (state) {
    case OrderState::kProcessing:
      return "PROCESSING";
    case OrderState::kFinished:
      return "FINISHED";
    case OrderState::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::string_view to_string(ReceiverResult result) {
  switch (result) {
    case ReceiverResult::kPending:
      return "PENDING";
    case ReceiverResult::kSuccess:
      return "SUCCESS";
    case ReceiverResult::kClosed:
      return "CLOSED";
    case ReceiverResult::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::optional<ReceiverType> parse_receiver_type(std::string_view text) {
  if (text == "MERCHANT_ID") return ReceiverType::kMerchantId;
  if (text == "PERSONAL_OPENID") return ReceiverType::kPersonalOpenid;
  if (text == "PERSONAL_SUB_OPENID") return ReceiverType::kPersonalSubOpenid;
  return std::nullopt;
}

OrderState parse_order_state(std::string_view text) {
  if (text == "PROCESSING") return OrderState::kProcessing;
  if (text == "FINISHED") return OrderState::kFinished;
  return OrderState::kUnknown;
}

ReceiverResult parse_receiver_result(std::string_view text) {
  if (text == "PENDING") return ReceiverResult::kPending;
  if (text == "SUCCESS") return ReceiverResult::kSuccess;
  if (text == "CLOSED") return ReceiverResult::kClosed;
  return ReceiverResult::kUnknown;
}

}  // namespace orderops::wechatpay
