// JSON bodies of the profit-sharing endpoints: request encoding (receiver names must already be
// sealed) and lenient response decoding (unknown keys ignored, enums kept as text too). Internal
// to the wechatpay module. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "wechatpay/types.h"

namespace orderops::wechatpay {

// Receivers carry at most `sealed_name`; a plaintext `name` here is a bug (kInternal).
Result<std::string> encode_create_order(const CreateOrderRequest& request,
                                        std::string_view sub_mchid);
std::string encode_unfreeze(const UnfreezeRequest& request, std::string_view sub_mchid);

Result<Order> decode_order(std::string_view body);
Result<UnsplitAmount> decode_unsplit_amount(std::string_view body);
Result<BillInfo> decode_bill(std::string_view body);

}  // namespace orderops::wechatpay
