// Shared set-up of the ATP integration tests: a migrated database per test (PostgreSQL harness),
// row factories and a one-call job runner. Used from gtest's main thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "aftersales/job.h"
#include "aftersales/pg_repository.h"
#include "common/clock.h"
#include "common/log.h"
#include "postgres/postgres_environment.h"
#include "support/capture_sink.h"

namespace orderops::aftersales {

class AftersalesPgTest : public testing::PostgresTest {
 protected:
  // Rows [first, first + n) in `state` of `type`; `deadline` is an SQL expression ("now() -
  // interval '1 hour'") or empty for NULL.
  void insert_rows(std::int64_t first, int n, const std::string& state, const std::string& type,
                   const std::string& deadline, const std::string& table = "order_aftersales") {
    sql("INSERT INTO " + table +
        " (id, type, reference_number, reason, state, stage, auto_process_time, create_time) "
        "SELECT g, '" +
        type + "', 'R' || g, 'dont_want', '" + state + "', 'apply', " +
        (deadline.empty() ? std::string("NULL") : deadline) + ", now() FROM generate_series(" +
        std::to_string(first) + ", " + std::to_string(first + n - 1) + ") g");
  }

  std::int64_t count(const std::string& where, const std::string& table = "order_aftersales") {
    return std::stoll(sql("SELECT count(*) FROM " + table + " WHERE " + where));
  }

  std::string checksum(const std::string& table) {
    return sql("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM " + table +
               " t");
  }

  // Makes now() in every new session of this database return `at` (a schema ahead of pg_catalog
  // on the search_path), so deadline boundaries can be tested to the microsecond.
  void freeze_now(const std::string& at) {
    sql("CREATE SCHEMA IF NOT EXISTS testclock");
    sql("CREATE OR REPLACE FUNCTION testclock.now() RETURNS timestamptz LANGUAGE sql STABLE AS "
        "$$ SELECT '" +
        at + "'::timestamptz $$");
    sql("ALTER DATABASE " + database() + " SET search_path = testclock, pg_catalog, public");
  }

  pg::ConnectOptions connect_options() const { return pg::ConnectOptions{.url = url()}; }

  std::unique_ptr<AftersalesStore> make_store(const AftersalesJobConfig& config) {
    auto store = make_pg_aftersales_store(
        PgAftersalesOptions{connect_options(), config.table, config.log_table}, clock_);
    EXPECT_TRUE(store.has_value()) << store.error().to_string();
    return store ? std::move(*store) : nullptr;
  }

  AftersalesRunResult run(const AftersalesJobConfig& config, std::stop_token stop = {},
                          const std::string& run_id = "shop-aftersales-29353080") {
    auto store = make_store(config);
    if (!store) return {};
    return run_with(*store, config, stop, run_id);
  }

  AftersalesRunResult run_with(AftersalesStore& store, const AftersalesJobConfig& config,
                               std::stop_token stop, const std::string& run_id) {
    const RunContext ctx{run_id, "shop", "shop-aftersales", stop, logger_, clock_};
    return run_aftersales_job(config, store, ctx);
  }

  SystemClock clock_;
  std::shared_ptr<testing::CaptureSink> sink_ = std::make_shared<testing::CaptureSink>();
  Logger logger_{sink_, clock_, LogFormat::kJson, LogLevel::kInfo, "aftersales"};
};

}  // namespace orderops::aftersales
