// request_payload of the orders OrderOps creates: the create or unfreeze request as JSON, stored
// in the same transaction as the intent, so a later run can resend exactly that request (same
// out_order_no, same content) when the first POST may not have reached WeChat Pay. Names are
// never part of it (retries send none). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "wechatpay/types.h"

namespace orderops::profitshare {

// {"appid"?,"transaction_id","out_order_no","receivers":[{type,account,amount,description}],
//  "unfreeze_unsplit"}. kInvalid when a receiver carries a name (it must not be stored).
Result<std::string> encode_create_payload(const wechatpay::CreateOrderRequest& request);
Result<wechatpay::CreateOrderRequest> decode_create_payload(std::string_view payload);

// {"transaction_id","out_order_no","description"}.
std::string encode_unfreeze_payload(const wechatpay::UnfreezeRequest& request);
Result<wechatpay::UnfreezeRequest> decode_unfreeze_payload(std::string_view payload);

}  // namespace orderops::profitshare
