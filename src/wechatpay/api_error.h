// Translation of WeChat Pay error answers into orderops::Error: the WeChat code goes to reason,
// message and Request-ID to message; throttling is recognised by status (three code spellings).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::wechatpay {

// WeChat codes callers may branch on (compare with Error::reason).
inline constexpr std::string_view kCodeParamError = "PARAM_ERROR";
inline constexpr std::string_view kCodeInvalidRequest = "INVALID_REQUEST";
inline constexpr std::string_view kCodeNotFound = "RESOURCE_NOT_EXISTS";
inline constexpr std::string_view kCodeNoStatement = "NO_STATEMENT_EXIST";
inline constexpr std::string_view kCodeNotEnough = "NOT_ENOUGH";
inline constexpr std::string_view kCodeNoAuth = "NO_AUTH";
inline constexpr std::string_view kCodeSignError = "SIGN_ERROR";
inline constexpr std::string_view kCodeSystemError = "SYSTEM_ERROR";
// Our reason for a 202 that never turned into an answer within the retry budget.
inline constexpr std::string_view kReasonAccepted = "ACCEPTED";

// Mapping:
//   429 (any code)                        -> kUnavailable (retryable), retry_after from the header
//   5xx, 202                              -> kUnavailable (retryable)
//   RESOURCE_NOT_EXISTS / ORDER_NOT_EXIST -> kNotFound;  NO_STATEMENT_EXIST -> kNotFound
//   PARAM_ERROR, INVALID_REQUEST          -> kInvalid, except "订单处理中" (order still settling)
//                                            -> kUnavailable (try again later)
//   SIGN_ERROR, 401                       -> kUnauthorized
//   NO_AUTH, NOT_ENOUGH, 403              -> kForbidden
//   other 400 -> kInvalid, 404 -> kNotFound, anything else -> kInternal
Error api_error(std::string_view endpoint, int status, std::string_view body,
                std::string_view request_id, std::string_view retry_after_header = {});

// Statuses the client retries with the identical request.
bool is_retryable_status(int status);

}  // namespace orderops::wechatpay
