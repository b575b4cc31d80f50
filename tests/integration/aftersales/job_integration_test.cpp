// The ATP job on a real PostgreSQL: transitions with their columns and audit rows, deadline
// boundaries, deadline filling, bad-row isolation, dry run, caps, cancellation, lost connections
// and notifications.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <stop_token>

#include "aftersales_fixture.h"
#include "pg/schema.h"
#include "postgres/pg_listener.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops::aftersales {
namespace {

constexpr const char* kNow = "2026-11-21 10:00:00+00";

// Calls `hook` for every log line (on the thread that logs), so a test can act at an exact point
// of the run, such as right after the first batch committed.
class HookSink final : public LogSink {
 public:
  explicit HookSink(std::function<void(std::string_view)> hook) : hook_(std::move(hook)) {}
  void write(std::string_view line) override { hook_(line); }

 private:
  std::function<void(std::string_view)> hook_;
};

AftersalesJobConfig config_with_batch(int batch) {
  AftersalesJobConfig c;
  c.batch_size = batch;
  return c;
}

class AftersalesJobTest : public AftersalesPgTest {
 protected:
  void SetUp() override {
    AftersalesPgTest::SetUp();
    freeze_now(kNow);
  }

  std::string row(std::int64_t id, const std::string& columns) {
    return sql("SELECT concat_ws('|', " + columns +
               ") FROM order_aftersales WHERE id = " + std::to_string(id));
  }

  std::string log_row(std::int64_t id) {
    return sql(
        "SELECT concat_ws('|', action, operator_type, operator_name, previous_state, "
        "current_state, context_data->>'runID', context_data->'policy'->>'namespace', "
        "context_data->'policy'->>'name', create_time = now(), length(content) > 0) "
        "FROM order_aftersales_logs WHERE aftersales_id = " +
        std::to_string(id));
  }
};

TEST_F(AftersalesJobTest, PendingApprovalPastDeadlineIsApprovedWithAuditRow) {
  insert_rows(1, 3, "pending_approval", "refund_only", "now() - interval '1 hour'");
  const auto r = run(config_with_batch(100));
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.counts.selected, 3);
  EXPECT_EQ(r.counts.approved, 3);
  EXPECT_EQ(r.counts.failed, 0);
  EXPECT_EQ(row(2,
                "state, stage, audit_time = now(), auto_process_time IS NULL, "
                "update_time = now(), completed_time IS NULL"),
            "approved|audit|t|t|t|t");
  EXPECT_EQ(log_row(2),
            "AUTO_APPROVE|SYSTEM|orderops|pending_approval|approved|shop-aftersales-29353080|"
            "shop|shop-aftersales|t|t");
  EXPECT_EQ(count("true", "order_aftersales_logs"), 3);
  const auto transitions = r.transitions();
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[0].from, "pending_approval");
  EXPECT_EQ(transitions[0].to, "approved");
  EXPECT_EQ(transitions[0].count, 3);
  EXPECT_EQ(transitions[1].count, 0);
}

TEST_F(AftersalesJobTest, PendingReturnPastDeadlineIsCancelledForReturnTypes) {
  insert_rows(1, 2, "pending_return", "return_refund", "now() - interval '1 day'");
  insert_rows(3, 2, "pending_return", "exchange", "now() - interval '1 day'");
  // A deadline on a type that never waits for a return was set by someone else: not ours to act.
  insert_rows(5, 1, "pending_return", "refund_only", "now() - interval '1 day'");
  const auto r = run(config_with_batch(100));
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.counts.cancelled, 4);
  EXPECT_EQ(row(3,
                "state, stage, completed_time = now(), auto_process_time IS NULL, "
                "audit_time IS NULL"),
            "cancelled|complete|t|t|t");
  EXPECT_EQ(log_row(3),
            "TIMEOUT_PROCESS|SYSTEM|orderops|pending_return|cancelled|shop-aftersales-29353080|"
            "shop|shop-aftersales|t|t");
  EXPECT_EQ(row(5, "state, auto_process_time IS NOT NULL"), "pending_return|t");
  EXPECT_EQ(r.transitions()[1].to, "cancelled");
  EXPECT_EQ(r.transitions()[1].count, 4);
}

TEST_F(AftersalesJobTest, PendingReceivePastDeadlineMovesToPendingRefund) {
  insert_rows(1, 2, "pending_receive", "return_refund", "now() - interval '5 minutes'");
  const auto r = run(config_with_batch(100));
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.counts.received, 2);
  EXPECT_EQ(row(1,
                "state, stage, auto_process_time IS NULL, audit_time IS NULL, "
                "completed_time IS NULL, update_time = now()"),
            "pending_refund|refund|t|t|t|t");
  EXPECT_EQ(log_row(1),
            "TIMEOUT_PROCESS|SYSTEM|orderops|pending_receive|pending_refund|"
            "shop-aftersales-29353080|shop|shop-aftersales|t|t");
}

TEST_F(AftersalesJobTest, RowExactlyAtDeadlineIsProcessedAndLaterOnesAreNot) {
  insert_rows(1, 1, "pending_approval", "refund_only", "now()");
  insert_rows(2, 1, "pending_approval", "refund_only", "now() - interval '1 microsecond'");
  insert_rows(3, 1, "pending_approval", "refund_only", "now() + interval '1 microsecond'");
  insert_rows(4, 1, "pending_receive", "exchange", "now() + interval '1 hour'");
  const auto r = run(config_with_batch(100));
  EXPECT_EQ(r.counts.approved, 2);
  EXPECT_EQ(row(1, "state"), "approved");
  EXPECT_EQ(row(2, "state"), "approved");
  EXPECT_EQ(row(3, "state, auto_process_time = now() + interval '1 microsecond'"),
            "pending_approval|t");
  EXPECT_EQ(row(4, "state"), "pending_receive");
  EXPECT_EQ(count("aftersales_id IN (3, 4)", "order_aftersales_logs"), 0);
}

TEST_F(AftersalesJobTest, OtherStatesAndDisabledTimeoutsAreUntouched) {
  const char* others[] = {"approved",         "rejected",  "pending_modification",
                          "pending_refund",   "completed", "cancelled",
                          "pending_exchange", "timeout",   "cs_intervention"};
  std::int64_t id = 1;
  for (const char* state : others) {
    insert_rows(id++, 1, state, "return_refund", "now() - interval '10 days'");
  }
  insert_rows(100, 3, "pending_receive", "return_refund", "now() - interval '10 days'");
  insert_rows(200, 1, "pending_approval", "refund_only", "now() - interval '10 days'");
  const auto before = sql(
      "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM order_aftersales t WHERE id < 200");
  auto config = config_with_batch(100);
  config.timeouts.pending_receive.enabled = false;
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.counts.selected, 1);
  EXPECT_EQ(r.counts.received, 0);
  EXPECT_EQ(sql("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM order_aftersales t "
                "WHERE id < 200"),
            before);
  EXPECT_EQ(row(200, "state"), "approved");
}

TEST_F(AftersalesJobTest, FillsMissingDeadlinesOnlyWhereTheyApply) {
  insert_rows(1, 2, "pending_approval", "refund_only", "");
  insert_rows(3, 1, "pending_return", "return_refund", "");
  insert_rows(4, 1, "pending_return", "exchange", "");
  insert_rows(5, 1, "pending_return", "refund_only", "");
  insert_rows(6, 1, "pending_return", "resend", "");
  insert_rows(7, 1, "pending_return", "cancel", "");
  insert_rows(8, 1, "pending_receive", "exchange", "");
  insert_rows(9, 1, "approved", "refund_only", "");
  // A deadline already set is kept.
  insert_rows(10, 1, "pending_approval", "refund_only", "now() + interval '5 hours'");
  auto config = config_with_batch(2);  // several keyset pages
  config.timeouts.pending_receive.after = std::chrono::hours(48);
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.counts.deadlines_set, 5);
  EXPECT_EQ(r.counts.selected, 0);
  EXPECT_EQ(count("id IN (1, 2) AND auto_process_time = now() + interval '72 hours'"), 2);
  EXPECT_EQ(count("id IN (3, 4) AND auto_process_time = now() + interval '168 hours'"), 2);
  EXPECT_EQ(count("id IN (5, 6, 7, 9) AND auto_process_time IS NULL"), 4);
  EXPECT_EQ(count("id = 8 AND auto_process_time = now() + interval '48 hours'"), 1);
  EXPECT_EQ(count("id = 10 AND auto_process_time = now() + interval '5 hours'"), 1);
  EXPECT_EQ(count("id IN (1, 3, 8) AND update_time = now()"), 3);
  EXPECT_EQ(count("true", "order_aftersales_logs"), 0);
}

TEST_F(AftersalesJobTest, NoFillWhenDisabled) {
  insert_rows(1, 2, "pending_approval", "refund_only", "");
  auto config = config_with_batch(10);
  config.timeouts.fill_missing_deadlines = false;
  const auto r = run(config);
  EXPECT_EQ(r.counts.deadlines_set, 0);
  EXPECT_EQ(count("auto_process_time IS NULL"), 2);
}

TEST_F(AftersalesJobTest, BadRowFailsAloneAndIsNamed) {
  insert_rows(1, 12, "pending_approval", "refund_only", "now() - interval '1 hour'");
  sql("CREATE FUNCTION reject_seven() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.id = 7 THEN RAISE EXCEPTION 'row 7 is broken'; END IF; RETURN NEW; END $$");
  sql("CREATE TRIGGER reject_seven BEFORE UPDATE ON order_aftersales FOR EACH ROW "
      "EXECUTE FUNCTION reject_seven()");
  const auto r = run(config_with_batch(5));
  EXPECT_EQ(r.outcome, Outcome::kPartiallyFailed) << r.message;
  EXPECT_EQ(r.counts.approved, 11);
  EXPECT_EQ(r.counts.failed, 1);
  EXPECT_EQ(r.failed_ids, std::vector<std::int64_t>{7});
  EXPECT_NE(r.message.find("failed 1: ids 7"), std::string::npos) << r.message;
  EXPECT_EQ(row(7, "state, auto_process_time IS NOT NULL"), "pending_approval|t");
  EXPECT_EQ(count("state = 'approved'"), 11);
  EXPECT_EQ(count("true", "order_aftersales_logs"), 11);
  EXPECT_EQ(count("aftersales_id = 7", "order_aftersales_logs"), 0);
  EXPECT_NE(sink_->all().find("row 7 is broken"), std::string::npos);
}

TEST_F(AftersalesJobTest, DryRunChangesNothingAndReportsWhatWouldChange) {
  insert_rows(1, 7, "pending_approval", "refund_only", "now() - interval '1 hour'");
  insert_rows(20, 3, "pending_return", "exchange", "now() - interval '2 hours'");
  insert_rows(30, 2, "pending_receive", "exchange", "now() - interval '3 hours'");
  insert_rows(40, 4, "pending_approval", "refund_only", "");
  insert_rows(50, 2, "pending_approval", "refund_only", "now() + interval '1 hour'");
  const auto rows_before = checksum("order_aftersales");
  const auto logs_before = checksum("order_aftersales_logs");
  auto config = config_with_batch(3);  // keyset pages of 3
  config.dry_run = true;
  config.sample_size = 2;
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_TRUE(r.dry_run);
  EXPECT_EQ(r.counts.selected, 12);
  EXPECT_EQ(r.counts.approved, 7);
  EXPECT_EQ(r.counts.cancelled, 3);
  EXPECT_EQ(r.counts.received, 2);
  EXPECT_EQ(r.counts.deadlines_set, 4);
  ASSERT_EQ(r.samples.size(), 3u);
  EXPECT_EQ(r.samples[0].ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(r.samples[2].ids, (std::vector<std::int64_t>{30, 31}));
  EXPECT_NE(r.message.find("would approve 7 (e.g. 1, 2)"), std::string::npos) << r.message;
  for (const auto& t : r.transitions()) EXPECT_EQ(t.count, 0);
  EXPECT_EQ(checksum("order_aftersales"), rows_before);
  EXPECT_EQ(checksum("order_aftersales_logs"), logs_before);
  ASSERT_TRUE(r.backlog.has_value());
  EXPECT_EQ(r.backlog->total, 12);
}

TEST_F(AftersalesJobTest, DryRunHonoursTheCap) {
  insert_rows(1, 10, "pending_approval", "refund_only", "now() - interval '1 hour'");
  auto config = config_with_batch(3);
  config.dry_run = true;
  config.max_records = 5;
  const auto r = run(config);
  EXPECT_EQ(r.counts.selected, 5);
  EXPECT_EQ(r.counts.approved, 5);
}

TEST_F(AftersalesJobTest, MaxRecordsPerRunTakesTheOldestFirst) {
  // Row id 25 is the oldest, id 1 the youngest.
  sql("INSERT INTO order_aftersales (id, type, reference_number, state, auto_process_time) "
      "SELECT g, 'refund_only', 'R' || g, 'pending_approval', now() - g * interval '1 minute' "
      "FROM generate_series(1, 25) g");
  auto config = config_with_batch(4);
  config.max_records = 10;
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  EXPECT_EQ(r.counts.selected, 10);
  EXPECT_EQ(r.counts.approved, 10);
  EXPECT_EQ(count("state = 'approved' AND id BETWEEN 16 AND 25"), 10);
  EXPECT_EQ(count("state = 'pending_approval'"), 15);
  ASSERT_TRUE(r.backlog.has_value());
  EXPECT_EQ(r.backlog->pending_approval, 15);
  EXPECT_EQ(r.backlog->oldest_overdue_seconds, 15 * 60);
}

TEST_F(AftersalesJobTest, BacklogCountsOverdueRowsPerState) {
  insert_rows(1, 2, "pending_approval", "refund_only", "now() - interval '90 seconds'");
  insert_rows(10, 3, "pending_return", "return_refund", "now() - interval '2 hours'");
  insert_rows(20, 1, "pending_receive", "exchange", "now() - interval '10 seconds'");
  insert_rows(30, 1, "pending_receive", "exchange", "now() + interval '10 seconds'");
  auto config = config_with_batch(10);
  config.dry_run = true;
  const auto r = run(config);
  ASSERT_TRUE(r.backlog.has_value());
  EXPECT_EQ(r.backlog->pending_approval, 2);
  EXPECT_EQ(r.backlog->pending_return, 3);
  EXPECT_EQ(r.backlog->pending_receive, 1);
  EXPECT_EQ(r.backlog->total, 6);
  EXPECT_EQ(r.backlog->oldest_overdue_seconds, 7200);
}

TEST_F(AftersalesJobTest, StopBetweenBatchesEndsTheRunCancelled) {
  insert_rows(1, 10, "pending_approval", "refund_only", "now() - interval '1 hour'");
  std::stop_source stop;
  auto sink = std::make_shared<HookSink>([&](std::string_view line) {
    if (line.find("batch committed") != std::string_view::npos) stop.request_stop();
  });
  logger_ = Logger(sink, clock_, LogFormat::kJson, LogLevel::kDebug, "aftersales");
  const auto r = run(config_with_batch(3), stop.get_token());
  EXPECT_EQ(r.outcome, Outcome::kCancelled) << r.message;
  EXPECT_EQ(r.counts.approved, 3);
  EXPECT_EQ(count("state = 'approved'"), 3);
  EXPECT_EQ(count("true", "order_aftersales_logs"), 3);
  EXPECT_NE(r.message.find("cancelled"), std::string::npos);
}

TEST_F(AftersalesJobTest, LostConnectionFailsTheRunWithoutHalfAppliedBatches) {
  insert_rows(1, 20, "pending_approval", "refund_only", "now() - interval '1 hour'");
  insert_rows(100, 5, "pending_receive", "exchange", "now() - interval '1 hour'");
  bool killed = false;
  auto sink = std::make_shared<HookSink>([&](std::string_view line) {
    if (killed || line.find("batch committed") == std::string_view::npos) return;
    killed = true;
    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        "current_database() AND application_name = 'orderops'");
  });
  logger_ = Logger(sink, clock_, LogFormat::kJson, LogLevel::kDebug, "aftersales");
  const auto r = run(config_with_batch(4));
  ASSERT_TRUE(killed);
  EXPECT_EQ(r.outcome, Outcome::kFailed) << r.message;
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, ErrorCode::kUnavailable) << r.error->to_string();
  EXPECT_EQ(r.counts.selected, 4);
  EXPECT_FALSE(r.backlog.has_value());  // the session is gone
  // What committed is whole: every changed row has its audit row, nothing else changed.
  EXPECT_EQ(count("state IN ('approved', 'pending_refund')"), 4);
  EXPECT_EQ(count("true", "order_aftersales_logs"), 4);

  logger_ = Logger(sink_, clock_, LogFormat::kJson, LogLevel::kInfo, "aftersales");
  const auto second = run(config_with_batch(4), {}, "shop-aftersales-29353081");
  EXPECT_EQ(second.outcome, Outcome::kSucceeded) << second.message;
  EXPECT_EQ(second.counts.approved + second.counts.received, 21);
  EXPECT_EQ(count("state IN ('approved', 'pending_refund')"), 25);
  EXPECT_EQ(count("true", "order_aftersales_logs"), 25);
  EXPECT_EQ(sql("SELECT count(*) FROM (SELECT aftersales_id FROM order_aftersales_logs GROUP BY 1 "
                "HAVING count(*) > 1) d"),
            "0");
}

TEST_F(AftersalesJobTest, NotifiesOncePerCommittedBatch) {
  insert_rows(1, 10, "pending_approval", "refund_only", "now() - interval '1 hour'");
  auto listener = testing::PgListener::open(url(), "aftersales_events");
  ASSERT_TRUE(listener.has_value()) << listener.error().to_string();
  auto config = config_with_batch(4);
  config.notify_channel = "aftersales_events";
  const auto r = run(config);
  EXPECT_EQ(r.outcome, Outcome::kSucceeded) << r.message;
  std::vector<nlohmann::json> got;
  while (auto payload = (*listener)->next(std::chrono::milliseconds(500))) {
    got.push_back(nlohmann::json::parse(*payload));
  }
  ASSERT_EQ(got.size(), 3u);
  std::int64_t total = 0;
  for (const auto& n : got) {
    EXPECT_EQ(n["runID"], "shop-aftersales-29353080");
    EXPECT_EQ(n["policy"]["name"], "shop-aftersales");
    EXPECT_EQ(n["changes"][0]["from"], "pending_approval");
    EXPECT_EQ(n["changes"][0]["to"], "approved");
    EXPECT_EQ(n["changes"][0]["ids"].size(), n["count"].get<std::size_t>());
    total += n["count"].get<std::int64_t>();
  }
  EXPECT_EQ(got[0]["count"], 4);
  EXPECT_EQ(total, 10);
}

TEST_F(AftersalesJobTest, SchemaMismatchFailsTheRunAndChangesNothing) {
  insert_rows(1, 3, "pending_approval", "refund_only", "now() - interval '1 hour'");
  sql("ALTER TABLE order_aftersales_logs DROP COLUMN context_data");
  const auto r = run(config_with_batch(10));
  EXPECT_EQ(r.outcome, Outcome::kFailed) << r.message;
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error->reason, "42703");
  EXPECT_NE(r.message.find("context_data"), std::string::npos) << r.message;
  EXPECT_EQ(count("state = 'pending_approval'"), 3);
}

TEST_F(AftersalesJobTest, CustomTablesInAnotherSchema) {
  sql("CREATE SCHEMA shop");
  auto conn = pg::Connection::open(connect_options(), clock_);
  ASSERT_TRUE(conn.has_value());
  pg::SchemaOptions schema{.aftersales_table = "shop.returns",
                           .aftersales_log_table = "shop.returns_audit",
                           .parts = {pg::SchemaPart::kAftersales}};
  ASSERT_TRUE(pg::migrate(*conn, schema).has_value());
  insert_rows(1, 2, "pending_approval", "refund_only", "now() - interval '1 hour'", "shop.returns");
  auto config = config_with_batch(10);
  config.table = "shop.returns";
  config.log_table = "shop.returns_audit";
  const auto r = run(config);
  EXPECT_EQ(r.counts.approved, 2) << r.message;
  EXPECT_EQ(count("true", "shop.returns_audit"), 2);
  EXPECT_EQ(count("true", "order_aftersales"), 0);
}

TEST_F(AftersalesJobTest, InvalidConfigFailsBeforeTouchingTheDatabase) {
  insert_rows(1, 1, "pending_approval", "refund_only", "now() - interval '1 hour'");
  auto config = config_with_batch(10);
  config.table = "order_aftersales; DROP TABLE x";
  const auto r = run_with(*make_store(config_with_batch(10)), config, {}, "run");
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, ErrorCode::kInvalid);
  EXPECT_NE(r.message.find("spec.database.table"), std::string::npos);
  EXPECT_EQ(count("state = 'pending_approval'"), 1);
}

}  // namespace
}  // namespace orderops::aftersales
