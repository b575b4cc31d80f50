// The SQL of the PostgreSQL adapter, built once per store from validated, quoted table names and
// the enabled states (inlined as constants so the planner can use the partial index
// (auto_process_time, id) WHERE state IN (timed states)). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "aftersales/transition.h"
#include "pg/identifier.h"

namespace orderops::aftersales {

struct Statements {
  // $1 bigint[] excluded ids, $2 limit, $3 deadline text and $4 id of the worker's cursor (rows
  // after it only) -> (id, state, deadline text) locked, oldest deadline first.
  std::string claim;
  // The whole batch in one statement (one round trip): claim as `claim` does, apply, audit.
  // $1..$4 as for claim, $5 context jsonb -> (id, state, changed, deadline text) per claimed row,
  // in cursor order.
  std::string claim_apply;
  // $1/$2/$3 bigint[] ids in pending_approval/pending_return/pending_receive, $4 context jsonb
  // -> (id, from_state) of each row changed; writes one audit row per change.
  std::string apply;
  // $1 after id, $2 limit, $3/$4/$5 microseconds to add per state -> (updated, scanned, last_id).
  std::string fill;
  // $1 limit -> (id, state, deadline text); next page: $1 deadline text, $2 id, $3 limit.
  std::string first_page;
  std::string next_page;
  // -> count of rows in enabled states with no deadline (those fill would set).
  std::string count_missing;
  // -> (state, overdue count, oldest overdue seconds).
  std::string backlog;
};

Statements build_statements(const pg::TableName& table, const pg::TableName& log_table,
                            const std::vector<TimedState>& states);

// "state IN ('pending_approval', ...) AND (state <> 'pending_return' OR type IN (...))":
// the rows a timeout may act on. `prefix` qualifies the columns ("t.").
std::string state_filter(const std::vector<TimedState>& states, std::string_view prefix = "");

}  // namespace orderops::aftersales
