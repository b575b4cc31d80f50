// pg::check and pg::migrate on real databases: an empty one, one migrated twice, a shop database
// that already has its PHP tables and data, replicas migrating at once, and the bill task key.
#include <gtest/gtest.h>

#include <future>

#include "pg/schema.h"
#include "postgres/postgres_environment.h"

ORDEROPS_POSTGRES_ENVIRONMENT();

namespace orderops::pg {
namespace {

// The PHP bundles' tables as a shop has them: naive timestamps, snowflake ids without defaults,
// none of the columns and indexes OrderOps adds.
constexpr const char* kShopSchema = R"sql(
CREATE TABLE order_aftersales (
  id bigint PRIMARY KEY, type varchar(24) NOT NULL, reference_number varchar(100) NOT NULL,
  reason varchar(30) NOT NULL, state varchar(30) NOT NULL, stage varchar(20) NOT NULL,
  auto_process_time timestamp(0), audit_time timestamp(0), completed_time timestamp(0),
  paid_price numeric(10,2) NOT NULL, create_time timestamp(0));
CREATE TABLE order_aftersales_logs (
  id bigint PRIMARY KEY, aftersales_id bigint NOT NULL REFERENCES order_aftersales (id),
  action varchar(30) NOT NULL, operator_type varchar(20) NOT NULL, operator_name varchar(100),
  previous_state varchar(50), current_state varchar(50), content varchar(500) NOT NULL,
  context_data json, create_time timestamp(0));
CREATE INDEX idx_3c1a_aftersales ON order_aftersales_logs (aftersales_id);
CREATE TABLE wechat_payment_merchant (id bigint PRIMARY KEY, mch_id varchar(64) NOT NULL UNIQUE,
  pem_key text);
CREATE TABLE wechat_pay_profit_share_bill_task (
  id bigint PRIMARY KEY, merchant_id bigint REFERENCES wechat_payment_merchant (id),
  sub_mch_id varchar(32), bill_date date NOT NULL, tar_type varchar(10), status varchar(20) NOT NULL);
INSERT INTO order_aftersales
  SELECT 1890000000000000000 + g, 'return_refund', 'R' || g, 'dont_want', 'pending_return',
         'return', '2026-01-01 10:00:00', NULL, NULL, 10.5, '2025-12-01 09:00:00'
  FROM generate_series(1, 50) g;
INSERT INTO order_aftersales_logs
  SELECT 1890000000000001000 + g, 1890000000000000000 + g, 'CREATE', 'USER', 'buyer',
         NULL, 'pending_approval', 'created', '{"k": 1}', '2025-12-01 09:00:00'
  FROM generate_series(1, 50) g;
INSERT INTO wechat_payment_merchant VALUES (7, '1900009191', 'secret-key');
INSERT INTO wechat_pay_profit_share_bill_task VALUES
  (1, 7, NULL, '2026-01-01', 'GZIP', 'downloaded'), (2, 7, 'sub1', '2026-01-01', NULL, 'ready');
)sql";

class PgSchemaTest : public testing::PostgresTest {
 protected:
  bool migrate_database() const override { return false; }

  Connection connect() {
    auto c = Connection::open(ConnectOptions{.url = url()}, clock_);
    EXPECT_TRUE(c.has_value()) << c.error().to_string();
    return std::move(*c);
  }
  std::string shop_data() {
    return sql(
        "SELECT md5((SELECT string_agg(concat_ws(',', id, type, reference_number, reason, state, "
        "stage, auto_process_time, paid_price, create_time), '|' ORDER BY id) FROM "
        "order_aftersales) || (SELECT string_agg(concat_ws(',', id, aftersales_id, action, "
        "content, context_data::text), '|' ORDER BY id) FROM order_aftersales_logs) || "
        "(SELECT string_agg(concat_ws(',', id, merchant_id, sub_mch_id, bill_date, status), '|' "
        "ORDER BY id) FROM wechat_pay_profit_share_bill_task) || "
        "(SELECT string_agg(concat_ws(',', id, mch_id, pem_key), '|') FROM "
        "wechat_payment_merchant))");
  }
  std::string catalog() {
    return sql(
        "SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY "
        "table_name, column_name)) || (SELECT md5(string_agg(indexdef, ',' ORDER BY indexdef)) "
        "FROM pg_indexes WHERE schemaname = 'public') FROM information_schema.columns WHERE "
        "table_schema = 'public'");
  }

  SystemClock clock_;
};

TEST_F(PgSchemaTest, EmptyDatabaseIsMissingEverythingUntilMigrated) {
  auto conn = connect();
  auto before = check(conn);
  ASSERT_TRUE(before.has_value()) << before.error().to_string();
  EXPECT_FALSE(before->complete());
  EXPECT_FALSE(before->recorded_version.has_value());
  EXPECT_NE(before->summary().find("table order_aftersales"), std::string::npos);

  auto first = migrate(conn);
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  EXPECT_EQ(first->applied.size(), before->missing.size());
  auto after = check(conn);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->complete()) << after->summary();
  EXPECT_EQ(after->recorded_version, kSchemaVersion);
}

TEST_F(PgSchemaTest, MigratingTwiceChangesNothingTheSecondTime) {
  auto conn = connect();
  ASSERT_TRUE(migrate(conn).has_value());
  const auto shape = catalog();
  auto second = migrate(conn);
  ASSERT_TRUE(second.has_value()) << second.error().to_string();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(catalog(), shape);
  EXPECT_EQ(sql("SELECT count(*) FROM orderops_schema_migrations"), "1");
}

TEST_F(PgSchemaTest, ShopDatabaseKeepsItsDataAndGainsWhatIsMissing) {
  sql(kShopSchema);
  const auto data = shop_data();
  auto conn = connect();
  auto before = check(conn);
  ASSERT_TRUE(before.has_value());
  const auto summary = before->summary(100);
  EXPECT_NE(summary.find("column order_aftersales.update_time"), std::string::npos) << summary;
  EXPECT_NE(summary.find("index order_aftersales_orderops_due_idx"), std::string::npos);
  EXPECT_NE(summary.find("default for order_aftersales_logs.id"), std::string::npos);
  EXPECT_NE(summary.find("column wechat_pay_profit_share_bill_task.attempts"), std::string::npos);
  // Doctrine's own index on the foreign key column is good enough.
  EXPECT_EQ(summary.find("order_aftersales_logs_aftersales_id_idx"), std::string::npos);
  EXPECT_EQ(summary.find("column order_aftersales.type"), std::string::npos);

  auto report = migrate(conn);
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_EQ(shop_data(), data);
  auto after = check(conn);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->complete()) << after->summary();
  // Column types of existing columns are left alone.
  EXPECT_EQ(sql("SELECT data_type FROM information_schema.columns WHERE table_name = "
                "'order_aftersales' AND column_name = 'auto_process_time'"),
            "timestamp without time zone");
  // New audit rows continue after the largest snowflake id.
  sql("INSERT INTO order_aftersales_logs (aftersales_id, action, operator_type, content) "
      "VALUES (1890000000000000001, 'AUTO_APPROVE', 'SYSTEM', 'x')");
  EXPECT_EQ(sql("SELECT max(id) FROM order_aftersales_logs"), "1890000000000001051");
  EXPECT_EQ(sql("SELECT attempts FROM wechat_pay_profit_share_bill_task WHERE id = 1"), "0");
}

TEST_F(PgSchemaTest, ReplicasMigratingAtOnceAllSucceed) {
  std::vector<std::future<Result<MigrateReport>>> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [this] {
      auto c = Connection::open(ConnectOptions{.url = url()}, clock_);
      if (!c) return Result<MigrateReport>(std::unexpected(c.error()));
      return migrate(*c);
    }));
  }
  std::size_t applied = 0;
  for (auto& r : runs) {
    auto report = r.get();
    ASSERT_TRUE(report.has_value()) << report.error().to_string();
    applied += report->applied.size();
  }
  auto conn = connect();
  auto after = check(conn);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->complete()) << after->summary();
  // The lock serialises them: one did the work, the others found nothing to do.
  EXPECT_EQ(applied, 14u);
}

TEST_F(PgSchemaTest, BillTaskKeyHoldsAcrossNullsAndSeparatesMerchants) {
  auto conn = connect();
  ASSERT_TRUE(migrate(conn).has_value());
  sql("INSERT INTO wechat_payment_merchant (id, mch_id) VALUES (1, '1900000001'), "
      "(2, '1900000002')");
  const auto insert = [&](const std::string& merchant, const std::string& sub) {
    return conn.exec(
        "INSERT INTO wechat_pay_profit_share_bill_task (merchant_id, sub_mch_id, "
        "bill_date) VALUES ($1::bigint, $2, '2026-11-20')",
        {merchant, sub.empty() ? Param{} : Param{sub}});
  };
  ASSERT_TRUE(insert("1", "").has_value());
  auto dup = insert("1", "");
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(dup.error().message.find(std::string(kBillTaskUniqueIndex)), std::string::npos);
  EXPECT_TRUE(insert("2", "").has_value());
  EXPECT_TRUE(insert("1", "sub-a").has_value());
  // The documented conflict target works for idempotent inserts.
  auto again = conn.exec(
      "INSERT INTO wechat_pay_profit_share_bill_task (merchant_id, sub_mch_id, bill_date) "
      "VALUES (1, 'sub-a', '2026-11-20') ON CONFLICT ((coalesce(merchant_id, 0)), "
      "(coalesce(sub_mch_id, '')), bill_date) DO NOTHING");
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  EXPECT_EQ(again->affected(), 0u);
  EXPECT_EQ(sql("SELECT count(*) FROM wechat_pay_profit_share_bill_task"), "3");
}

TEST_F(PgSchemaTest, DuplicatesThatBlockTheBillKeyFailTheWholeMigration) {
  sql(kShopSchema);
  sql("INSERT INTO wechat_pay_profit_share_bill_task VALUES (3, 7, NULL, '2026-01-01', NULL, "
      "'failed')");
  auto conn = connect();
  auto report = migrate(conn);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kAlreadyExists) << report.error().to_string();
  EXPECT_NE(report.error().message.find(std::string(kBillTaskUniqueIndex)), std::string::npos);
  // One transaction: nothing of the migration is left behind.
  EXPECT_EQ(sql("SELECT to_regclass('orderops_schema_migrations') IS NULL"), "t");
  EXPECT_EQ(sql("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                "'order_aftersales' AND column_name = 'update_time'"),
            "0");
}

TEST_F(PgSchemaTest, CheckNamesWhatWasRemoved) {
  auto conn = connect();
  ASSERT_TRUE(migrate(conn).has_value());
  sql("ALTER TABLE order_aftersales DROP COLUMN stage; DROP INDEX "
      "order_aftersales_orderops_due_idx");
  auto report = check(conn, SchemaOptions{.parts = {SchemaPart::kAftersales}});
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->missing.size(), 2u) << report->summary();
  EXPECT_EQ(report->missing[0].describe(), "column order_aftersales.stage");
  EXPECT_EQ(report->missing[1].describe(),
            "index order_aftersales_orderops_due_idx on order_aftersales");
  auto pss = check(conn, SchemaOptions{.parts = {SchemaPart::kProfitShare}});
  ASSERT_TRUE(pss.has_value());
  EXPECT_TRUE(pss->complete());
}

// The jobs connect as their own user; a GRANT that user lacks must show up in check() (so the
// reconciler reports SchemaMismatch naming it) instead of as "permission denied" on every row.
TEST_F(PgSchemaTest, CheckNamesThePrivilegesTheConnectingUserLacks) {
  {
    auto owner = connect();
    ASSERT_TRUE(migrate(owner).has_value());
  }
  // The log table's id is a bigserial (as in the PHP bundle): inserting needs USAGE on its
  // sequence, which GRANT INSERT on the table does not give.
  ASSERT_EQ(sql("SELECT pg_get_serial_sequence('order_aftersales_logs', 'id')"),
            "public.order_aftersales_logs_id_seq");
  const auto role = "app_" + database();
  sql("CREATE ROLE " + role + " LOGIN PASSWORD 'app-pw'; GRANT USAGE ON SCHEMA public TO " + role +
      "; GRANT SELECT ON order_aftersales TO " + role + "; GRANT INSERT ON " +
      "order_aftersales_logs TO " + role);
  const auto at = url().find('@');
  ASSERT_NE(at, std::string::npos);
  const auto app_url = "postgresql://" + role + ":app-pw" + url().substr(at);
  auto app = Connection::open(ConnectOptions{.url = app_url}, clock_);
  ASSERT_TRUE(app.has_value()) << app.error().to_string();

  auto report = check(*app, SchemaOptions{.parts = {SchemaPart::kAftersales}});
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  std::vector<std::string> described;
  for (const auto& item : report->missing) described.push_back(item.describe());
  EXPECT_EQ(described, (std::vector<std::string>{
                           "privilege UPDATE on order_aftersales",
                           "privilege USAGE on sequence public.order_aftersales_logs_id_seq",
                           "privilege SELECT on orderops_schema_migrations"}))
      << report->summary();

  sql("GRANT UPDATE ON order_aftersales TO " + role + "; GRANT USAGE ON SEQUENCE " +
      "order_aftersales_logs_id_seq TO " + role + "; GRANT SELECT ON " +
      std::string(kMigrationsTable) + " TO " + role);
  auto granted = check(*app, SchemaOptions{.parts = {SchemaPart::kAftersales}});
  ASSERT_TRUE(granted.has_value()) << granted.error().to_string();
  EXPECT_TRUE(granted->complete()) << granted->summary();
  EXPECT_EQ(granted->recorded_version, kSchemaVersion);
  sql("DROP OWNED BY " + role + "; DROP ROLE " + role);
}

TEST_F(PgSchemaTest, ConfiguredTableNamesAreCheckedAndBadOnesRejected) {
  auto conn = connect();
  SchemaOptions options{.aftersales_table = "returns",
                        .aftersales_log_table = "returns_log",
                        .parts = {SchemaPart::kAftersales}};
  ASSERT_TRUE(migrate(conn, options).has_value());
  auto report = check(conn, options);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->complete()) << report->summary();
  EXPECT_EQ(sql("SELECT to_regclass('order_aftersales') IS NULL"), "t");
  options.aftersales_table = "returns\"; DROP TABLE returns; --";
  auto bad = check(conn, options);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_NE(bad.error().message.find("spec.database.table"), std::string::npos);
}

}  // namespace
}  // namespace orderops::pg
