// SQLSTATE -> ErrorCode at the adapter edge, and reading the SQLSTATE out of libpq messages.
#include "pg/sqlstate.h"

#include <gtest/gtest.h>

namespace orderops::pg {
namespace {

TEST(SqlstateTest, MapsTheDocumentedClasses) {
  const std::pair<const char*, ErrorCode> cases[] = {
      {"28P01", ErrorCode::kUnauthorized}, {"28000", ErrorCode::kUnauthorized},
      {"3D000", ErrorCode::kNotFound},     {"08001", ErrorCode::kUnavailable},
      {"08006", ErrorCode::kUnavailable},  {"08P01", ErrorCode::kUnavailable},
      {"57P01", ErrorCode::kUnavailable},  {"57P03", ErrorCode::kUnavailable},
      {"53300", ErrorCode::kUnavailable},  {"40001", ErrorCode::kConflict},
      {"40P01", ErrorCode::kConflict},     {"42P01", ErrorCode::kInvalid},
      {"42703", ErrorCode::kInvalid},      {"23505", ErrorCode::kAlreadyExists},
      {"23503", ErrorCode::kInvalid},      {"22P02", ErrorCode::kInvalid},
      {"57014", ErrorCode::kCancelled},    {"55P03", ErrorCode::kTimeout},
      {"42501", ErrorCode::kForbidden},    {"P0001", ErrorCode::kInternal},
      {"XX000", ErrorCode::kInternal},     {"", ErrorCode::kInternal},
  };
  for (const auto& [state, code] : cases) {
    SCOPED_TRACE(state);
    EXPECT_EQ(code_for_sqlstate(state), code);
  }
  const auto e = sqlstate_error("3D000", "database \"x\" does not exist");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.reason, "3D000");
}

TEST(SqlstateTest, FindsTheCodeInVerboseMessages) {
  EXPECT_EQ(sqlstate_in_message("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  "
                                "28P01: password authentication failed for user \"shop\"\n"),
            "28P01");
  EXPECT_EQ(sqlstate_in_message("FATAL:  3D000: database \"x\" does not exist"), "3D000");
  EXPECT_EQ(sqlstate_in_message("FATAL:  password authentication failed"), "");
  EXPECT_EQ(sqlstate_in_message("could not connect: Connection refused"), "");
  EXPECT_EQ(sqlstate_in_message("FATAL:  ab: x"), "");
  // A server with translated messages still puts the code in the same place.
  EXPECT_EQ(sqlstate_in_message("failed: \xe8\x87\xb4\xe5\x91\xbd\xe9\x94\x99\xe8\xaf\xaf:  "
                                "28P01: \xe7\x94\xa8\xe6\x88\xb7"),
            "28P01");
}

TEST(SqlstateTest, StripsTheCodeAndTidiesLines) {
  EXPECT_EQ(strip_sqlstate("x failed: FATAL:  28P01: password authentication failed", "28P01"),
            "x failed: FATAL:  password authentication failed");
  EXPECT_EQ(tidy_message("ERROR:  relation \"t\" does not exist\nLINE 1: select * from t\n"
                         "                      ^\nLOCATION:  parserOpenTable, parse.c:1\n"),
            "relation \"t\" does not exist");
  EXPECT_EQ(tidy_message("ERROR:  duplicate key\nDETAIL:  Key (id)=(1) already exists.\n"),
            "duplicate key; DETAIL:  Key (id)=(1) already exists.");
  EXPECT_EQ(tidy_message("connection to server failed: FATAL:  no\n"),
            "connection to server failed: FATAL:  no");
}

}  // namespace
}  // namespace orderops::pg
