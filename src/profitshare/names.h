// The stored spellings of profit-sharing values (jobs.md section 1): order kinds and states,
// receiver results, bill task statuses and operation-log types, as the PHP bundle and WeChat Pay
// write them. Constants only; thread-safe.
#pragma once

#include <string_view>

namespace orderops::profitshare {

// wechat_pay_profit_share_order.kind
inline constexpr std::string_view kKindSplit = "SPLIT";
inline constexpr std::string_view kKindRetry = "RETRY";
inline constexpr std::string_view kKindUnfreeze = "UNFREEZE";

// wechat_pay_profit_share_order.state (upper case, as WeChat Pay sends them). CLOSED is ours: a
// create that WeChat Pay refused for good, so nothing exists there under that number.
inline constexpr std::string_view kStateProcessing = "PROCESSING";
inline constexpr std::string_view kStateFinished = "FINISHED";
inline constexpr std::string_view kStateClosed = "CLOSED";

// wechat_pay_profit_share_receiver.result. FAILED is legacy (never sent by WeChat Pay).
inline constexpr std::string_view kResultPending = "PENDING";
inline constexpr std::string_view kResultSuccess = "SUCCESS";
inline constexpr std::string_view kResultClosed = "CLOSED";
inline constexpr std::string_view kResultFailed = "FAILED";

// wechat_pay_profit_share_bill_task.status (lower case, as the PHP enum stores them).
inline constexpr std::string_view kBillPending = "pending";
inline constexpr std::string_view kBillDownloaded = "downloaded";
inline constexpr std::string_view kBillFailed = "failed";
inline constexpr std::string_view kBillExpired = "expired";

// wechat_pay_profit_share_operation_log.type (the PHP ProfitShareOperationType values).
inline constexpr std::string_view kOpRequestOrder = "request_order";
inline constexpr std::string_view kOpQueryOrder = "query_order";
inline constexpr std::string_view kOpUnfreezeOrder = "unfreeze_order";
inline constexpr std::string_view kOpQueryRemainingAmount = "query_remaining_amount";
inline constexpr std::string_view kOpApplyBill = "apply_bill";
inline constexpr std::string_view kOpDownloadBill = "download_bill";

}  // namespace orderops::profitshare
