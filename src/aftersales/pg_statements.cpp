#include "aftersales/pg_statements.h"

namespace orderops::aftersales {

namespace {

using pg::quote_literal;

bool has(const std::vector<TimedState>& states, TimedState s) {
  for (auto x : states) {
    if (x == s) return true;
  }
  return false;
}

std::string return_types() {
  std::string out;
  for (auto t : kReturnTypes) out += (out.empty() ? "" : ", ") + quote_literal(t);
  return out;
}

// Each CTE changes the rows of one state and says what it did; the state guard makes a second
// application a no-op. `rows` picks the rows: "t.id = ANY($1::bigint[])" or a join on the
// claimed rows.
std::string update_cte(const std::string& table, const Transition& t, const std::string& from,
                       const std::string& rows) {
  std::string set = "state = " + quote_literal(t.to) + ", stage = " + quote_literal(t.stage) +
                    ", auto_process_time = NULL, update_time = now()";
  if (!t.stamp_column.empty()) set += ", " + pg::quote_identifier(t.stamp_column) + " = now()";
  return "UPDATE " + table + " t SET " + set + from + " WHERE " + rows +
         " AND t.state = " + quote_literal(t.from) + " RETURNING t.id, " + quote_literal(t.from) +
         "::text AS from_state, " + quote_literal(t.to) + "::text AS to_state, " +
         quote_literal(t.action) + "::text AS action, " + quote_literal(t.content) +
         "::text AS content";
}

constexpr const char* kCteNames[] = {"approved", "cancelled", "received"};

// The CTEs after WITH up to the audit INSERT; `context` is the jsonb parameter.
std::string changes_ctes(const std::string& table, const std::string& log, bool claimed,
                         const std::string& context) {
  std::string sql;
  for (const auto& t : kTransitions) {
    const auto i = static_cast<std::size_t>(t.state);
    const auto rows = claimed ? "t.id = c.id AND c.state = " + quote_literal(t.from)
                              : "t.id = ANY($" + std::to_string(i + 1) + "::bigint[])";
    sql += std::string(kCteNames[i]) + " AS (" +
           update_cte(table, t, claimed ? " FROM claimed c" : "", rows) + "), ";
  }
  return sql +
         "changed AS (SELECT * FROM approved UNION ALL SELECT * FROM cancelled UNION ALL "
         "SELECT * FROM received), "
         "logged AS (INSERT INTO " +
         log +
         " (aftersales_id, action, operator_type, operator_name, previous_state, current_state, "
         "content, context_data, create_time, update_time) "
         "SELECT id, action, 'SYSTEM', 'orderops', from_state, to_state, content, " +
         context + "::jsonb, now(), now() FROM changed) ";
}

// Every state's parameter is referenced, enabled or not: PostgreSQL cannot type an unused one.
std::string deadline_case() {
  std::string sql = "CASE t.state";
  for (const auto& t : kTransitions) {
    sql += " WHEN " + quote_literal(t.from) + " THEN $" +
           std::to_string(static_cast<int>(t.state) + 3) + "::bigint";
  }
  return sql + " END";
}

std::string fill_sql(const std::string& table, const std::vector<TimedState>& states) {
  const auto filter = state_filter(states);
  return "WITH page AS (SELECT id FROM " + table + " WHERE id > $1::bigint AND " +
         "auto_process_time IS NULL AND " + filter +
         " ORDER BY id LIMIT $2::integer FOR UPDATE SKIP LOCKED), "
         "updated AS (UPDATE " +
         table + " t SET auto_process_time = now() + (" + deadline_case() +
         ") * interval '1 microsecond', update_time = now() FROM page WHERE t.id = page.id AND "
         "t.auto_process_time IS NULL AND " +
         state_filter(states, "t.") +
         " RETURNING t.id) "
         "SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM page), "
         "(SELECT coalesce(max(id), $1::bigint) FROM page)";
}

}  // namespace

std::string state_filter(const std::vector<TimedState>& states, std::string_view prefix) {
  if (states.empty()) return "false";
  const std::string p(prefix);
  std::string in;
  for (auto s : states) in += (in.empty() ? "" : ", ") + quote_literal(transition_of(s).from);
  std::string sql = "(" + p + "state IN (" + in + ")";
  if (has(states, TimedState::kPendingReturn)) {
    sql += " AND (" + p + "state <> " +
           quote_literal(transition_of(TimedState::kPendingReturn).from) + " OR " + p +
           "type IN (" + return_types() + "))";
  }
  return sql + ")";
}

Statements build_statements(const pg::TableName& table, const pg::TableName& log_table,
                            const std::vector<TimedState>& states) {
  const auto t = table.quoted();
  const auto filter = state_filter(states);
  const auto overdue = " WHERE auto_process_time <= now() AND " + filter;
  const auto order = " ORDER BY auto_process_time, id";
  Statements s;
  // The cursor bounds the index scan: without it every claim walks the index entries of the
  // rows earlier batches moved, which stay until VACUUM, and a run slows as it goes.
  const auto claim_core = "SELECT id, state, auto_process_time FROM " + t + overdue +
                          " AND (auto_process_time, id) > ($3::timestamptz, $4::bigint)" +
                          " AND NOT (id = ANY($1::bigint[]))" + order +
                          " LIMIT $2::integer FOR UPDATE SKIP LOCKED";
  s.claim = "SELECT id, state, auto_process_time::text FROM (" + claim_core + ") c" + order;
  const auto log = log_table.quoted();
  s.apply = "WITH " + changes_ctes(t, log, false, "$4") + "SELECT id, from_state FROM changed";
  s.claim_apply = "WITH claimed AS (" + claim_core + "), " + changes_ctes(t, log, true, "$5") +
                  "SELECT c.id, c.state, ch.id IS NOT NULL, c.auto_process_time::text "
                  "FROM claimed c LEFT JOIN changed ch ON ch.id = c.id "
                  "ORDER BY c.auto_process_time, c.id";
  s.fill = fill_sql(t, states);
  const auto page_cols = "SELECT id, state, auto_process_time::text FROM " + t + overdue;
  s.first_page = page_cols + order + " LIMIT $1::integer";
  s.next_page = page_cols + " AND (auto_process_time, id) > ($1::timestamptz, $2::bigint)" + order +
                " LIMIT $3::integer";
  s.count_missing = "SELECT count(*) FROM " + t + " WHERE auto_process_time IS NULL AND " + filter;
  s.backlog =
      "SELECT state, count(*), coalesce(floor(extract(epoch FROM now() - min(auto_process_time))), "
      "0)::bigint FROM " +
      t + overdue + " GROUP BY state";
  return s;
}

}  // namespace orderops::aftersales
