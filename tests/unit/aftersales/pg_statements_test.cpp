// The generated SQL: quoted identifiers, the state filter the partial index relies on, and the
// guards that make a second application a no-op.
#include "aftersales/pg_statements.h"

#include <gtest/gtest.h>

namespace orderops::aftersales {
namespace {

const std::vector<TimedState> kAll = {TimedState::kPendingApproval, TimedState::kPendingReturn,
                                      TimedState::kPendingReceive};

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(PgStatementsTest, StateFilterRestrictsReturnsToReturnTypes) {
  EXPECT_EQ(state_filter(kAll),
            "(state IN ('pending_approval', 'pending_return', 'pending_receive') AND (state <> "
            "'pending_return' OR type IN ('return_refund', 'exchange')))");
  EXPECT_EQ(state_filter({TimedState::kPendingReceive}, "t."), "(t.state IN ('pending_receive'))");
  EXPECT_EQ(state_filter({}), "false");
}

TEST(PgStatementsTest, TablesAreQuotedEverywhere) {
  const auto table = *pg::TableName::parse("shop.Order_Aftersales");
  const auto log = *pg::TableName::parse("audit");
  const auto s = build_statements(table, log, kAll);
  for (const auto* sql : {&s.claim, &s.claim_apply, &s.apply, &s.fill, &s.first_page, &s.next_page,
                          &s.count_missing, &s.backlog}) {
    EXPECT_TRUE(contains(*sql, "\"shop\".\"Order_Aftersales\"")) << *sql;
  }
  EXPECT_TRUE(contains(s.apply, "INSERT INTO \"audit\""));
}

TEST(PgStatementsTest, ClaimTakesOldestFirstAndSkipsLockedRows) {
  const auto s = build_statements(*pg::TableName::parse("t"), *pg::TableName::parse("l"), kAll);
  EXPECT_TRUE(contains(s.claim, "auto_process_time <= now()"));
  EXPECT_TRUE(contains(s.claim,
                       "ORDER BY auto_process_time, id LIMIT $2::integer FOR UPDATE "
                       "SKIP LOCKED"));
  EXPECT_TRUE(contains(s.claim, "NOT (id = ANY($1::bigint[]))"));
  // Each worker's claims resume after its own cursor (no walk over the entries of moved rows).
  EXPECT_TRUE(contains(s.claim, "(auto_process_time, id) > ($3::timestamptz, $4::bigint)"));
  EXPECT_TRUE(contains(s.claim_apply, "(auto_process_time, id) > ($3::timestamptz, $4::bigint)"));
  EXPECT_TRUE(contains(s.claim_apply, "ORDER BY c.auto_process_time, c.id"));
  EXPECT_FALSE(contains(s.first_page, "FOR UPDATE"));
  EXPECT_FALSE(contains(s.next_page, "OFFSET"));
  EXPECT_TRUE(contains(s.next_page, "(auto_process_time, id) > ($1::timestamptz, $2::bigint)"));
}

TEST(PgStatementsTest, EveryUpdateIsGuardedByItsState) {
  const auto s = build_statements(*pg::TableName::parse("t"), *pg::TableName::parse("l"), kAll);
  EXPECT_TRUE(contains(s.apply, "WHERE t.id = ANY($1::bigint[]) AND t.state = 'pending_approval'"));
  EXPECT_TRUE(contains(s.apply, "WHERE t.id = ANY($2::bigint[]) AND t.state = 'pending_return'"));
  EXPECT_TRUE(contains(s.apply, "WHERE t.id = ANY($3::bigint[]) AND t.state = 'pending_receive'"));
  EXPECT_TRUE(contains(s.claim_apply,
                       "FROM claimed c WHERE t.id = c.id AND c.state = 'pending_return' AND "
                       "t.state = 'pending_return'"));
  EXPECT_TRUE(contains(s.claim_apply, "FOR UPDATE SKIP LOCKED"));
  EXPECT_TRUE(contains(s.apply,
                       "state = 'approved', stage = 'audit', auto_process_time = NULL, "
                       "update_time = now(), \"audit_time\" = now()"));
  EXPECT_TRUE(contains(s.apply,
                       "state = 'cancelled', stage = 'complete', auto_process_time = "
                       "NULL, update_time = now(), \"completed_time\" = now()"));
  EXPECT_TRUE(contains(s.apply,
                       "state = 'pending_refund', stage = 'refund', auto_process_time = "
                       "NULL, update_time = now() WHERE"));
  EXPECT_TRUE(contains(s.apply, "'SYSTEM', 'orderops'"));
}

TEST(PgStatementsTest, FillReferencesEveryDurationParameter) {
  const auto s = build_statements(*pg::TableName::parse("t"), *pg::TableName::parse("l"),
                                  {TimedState::kPendingApproval});
  for (const char* p : {"$3::bigint", "$4::bigint", "$5::bigint"}) {
    EXPECT_TRUE(contains(s.fill, p)) << p;
  }
  EXPECT_TRUE(contains(s.fill, "id > $1::bigint"));
  EXPECT_TRUE(contains(s.fill, "auto_process_time IS NULL"));
}

}  // namespace
}  // namespace orderops::aftersales
