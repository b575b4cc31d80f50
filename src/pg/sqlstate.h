// Translation of PostgreSQL failures into orderops::Error at the adapter edge: SQLSTATE classes
// to ErrorCode, and the SQLSTATE that libpq puts in verbose connection-time messages. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::pg {

// SQLSTATE of a client-side failure to connect (refused, unreachable, timed out, bad URL).
inline constexpr std::string_view kClientConnectFailure = "08001";
// SQLSTATE of a connection that broke while in use.
inline constexpr std::string_view kConnectionFailure = "08006";
// SQLSTATE of a COMMIT whose outcome is unknown because the connection broke during it.
inline constexpr std::string_view kTransactionResolutionUnknown = "08007";

// 28P01/28000 -> kUnauthorized; 3D000 -> kNotFound; 08xxx, 57P01-57P03, 53xxx -> kUnavailable;
// 40001/40P01 -> kConflict; 42P01/42703/42P02/42883 (schema mismatch), 22xxx, 23502/23503/23514
// -> kInvalid; 23505 -> kAlreadyExists; 55P03 (lock_timeout) -> kTimeout; 57014 -> kCancelled;
// 42501 -> kForbidden; anything else -> kInternal.
ErrorCode code_for_sqlstate(std::string_view sqlstate);

// Finds "SEVERITY:  XXXXX: " as libpq writes it with PQERRORS_VERBOSE (any severity word, as
// servers translate it); empty when absent.
std::string sqlstate_in_message(std::string_view message);

// `message` without the "XXXXX: " that verbose mode puts after the severity (the SQLSTATE goes
// into Error::reason instead).
std::string strip_sqlstate(std::string_view message, std::string_view sqlstate);

// One line: a leading "ERROR:  " and libpq's LOCATION/LINE/caret lines dropped, DETAIL, HINT and
// CONTEXT lines kept, joined with "; ", so an error fits a status message.
std::string tidy_message(std::string_view message);

// Error with code from the SQLSTATE and reason = the SQLSTATE.
Error sqlstate_error(std::string_view sqlstate, std::string message);

}  // namespace orderops::pg
