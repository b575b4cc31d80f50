#include "pg/schema_catalog.h"

namespace orderops::pg {

namespace {

// A column OrderOps reads or writes: checked, and added (nullable) to an existing table.
ColumnDef used(std::string name, std::string create, std::string add = {}) {
  if (add.empty()) {
    // The type is the create text up to its first constraint keyword.
    add = create.substr(0, create.find(" NOT NULL"));
    add = add.substr(0, add.find(" DEFAULT"));
  }
  return ColumnDef{std::move(name), std::move(create), std::move(add)};
}

// A column of the PHP schema that OrderOps never touches: only part of a fresh CREATE TABLE.
ColumnDef php(std::string name, std::string create) {
  return ColumnDef{std::move(name), std::move(create), {}};
}

void add_blame_columns(std::vector<ColumnDef>& cols, bool ip) {
  cols.push_back(used("create_time", "timestamptz"));
  cols.push_back(used("update_time", "timestamptz"));
  cols.push_back(php("created_by", "varchar(255)"));
  cols.push_back(php("updated_by", "varchar(255)"));
  if (ip) {
    cols.push_back(php("created_from_ip", "varchar(45)"));
    cols.push_back(php("updated_from_ip", "varchar(45)"));
  }
}

TableDef aftersales_table(TableName name) {
  TableDef t{std::move(name)};
  t.privileges = {"SELECT", "UPDATE"};
  t.columns = {
      php("id", "bigint PRIMARY KEY"),
      used("type", "varchar(24) NOT NULL"),
      php("reference_number", "varchar(100) NOT NULL"),
      php("user_id", "bigint"),
      php("reason", "varchar(30) NOT NULL DEFAULT 'other'"),
      php("description", "text"),
      php("proof_images", "json NOT NULL DEFAULT '[]'"),
      used("state", "varchar(30) NOT NULL DEFAULT 'pending_approval'"),
      used("stage", "varchar(20) NOT NULL DEFAULT 'apply'"),
      php("reject_reason", "varchar(500)"),
      php("service_note", "varchar(500)"),
      php("modification_count", "integer NOT NULL DEFAULT 0"),
      used("auto_process_time", "timestamptz"),
      used("audit_time", "timestamptz"),
      used("completed_time", "timestamptz"),
      php("order_product_id", "varchar(255) NOT NULL DEFAULT ''"),
      php("product_id", "varchar(100) NOT NULL DEFAULT ''"),
      php("sku_id", "varchar(100) NOT NULL DEFAULT ''"),
      php("product_name", "varchar(255) NOT NULL DEFAULT ''"),
      php("sku_name", "varchar(255) NOT NULL DEFAULT ''"),
      php("quantity", "integer NOT NULL DEFAULT 1"),
      php("original_price", "numeric(10,2) NOT NULL DEFAULT 0"),
      php("paid_price", "numeric(10,2) NOT NULL DEFAULT 0"),
      php("refund_amount", "numeric(10,2) NOT NULL DEFAULT 0"),
      php("original_refund_amount", "numeric(10,2) NOT NULL DEFAULT 0"),
      php("actual_refund_amount", "numeric(10,2) NOT NULL DEFAULT 0"),
      php("refund_amount_modified", "boolean NOT NULL DEFAULT false"),
      php("refund_amount_modify_reason", "varchar(500)"),
      php("product_snapshot", "json"),
      php("requested_amount", "integer NOT NULL DEFAULT 0"),
      php("approved_amount", "integer NOT NULL DEFAULT 0"),
      php("applicant_name", "varchar(100)"),
      php("applicant_phone", "varchar(20)"),
      php("order_number", "varchar(100)"),
      php("application_time", "timestamptz"),
      php("processed_time", "timestamptz"),
      php("return_shipping_time", "timestamptz"),
      php("processor", "varchar(100)"),
      php("return_express_company", "varchar(100)"),
      php("return_express_number", "varchar(100)"),
      php("exchange_address", "json"),
  };
  add_blame_columns(t.columns, true);
  // The claim query walks this index oldest deadline first; rows in other states stay out of it.
  t.indexes.push_back(IndexDef{t.table.derived("_orderops_due_idx"),
                               "(auto_process_time, id) WHERE state IN ('pending_approval', "
                               "'pending_return', 'pending_receive')"});
  // Filling missing deadlines pages through these rows by id; without it every run would walk
  // the whole table to find the few rows that lack a deadline.
  t.indexes.push_back(IndexDef{t.table.derived("_orderops_nodeadline_idx"),
                               "(id) WHERE auto_process_time IS NULL AND state IN "
                               "('pending_approval', 'pending_return', 'pending_receive')"});
  return t;
}

TableDef aftersales_log_table(TableName name, const TableName& aftersales) {
  TableDef t{std::move(name)};
  t.privileges = {"INSERT"};
  t.columns = {
      php("id", "bigserial PRIMARY KEY"),
      used("aftersales_id", "bigint NOT NULL"),
      used("action", "varchar(30) NOT NULL"),
      used("operator_type", "varchar(20) NOT NULL"),
      php("operator_id", "varchar(64)"),
      used("operator_name", "varchar(100)"),
      used("previous_state", "varchar(50)"),
      used("current_state", "varchar(50)"),
      used("content", "varchar(500) NOT NULL"),
      used("context_data", "jsonb"),
      php("remark", "varchar(500)"),
      php("user_id", "bigint"),
      php("description", "varchar(500)"),
      php("operator", "varchar(100)"),
      php("operation_time", "timestamptz"),
      php("details", "json"),
  };
  add_blame_columns(t.columns, true);
  t.constraints.push_back("FOREIGN KEY (aftersales_id) REFERENCES " + aftersales.quoted() +
                          " (id)");
  t.indexes.push_back(
      IndexDef{t.table.derived("_aftersales_id_idx"), "(aftersales_id)", false, "aftersales_id"});
  t.needs_id_default = true;
  return t;
}

TableDef merchant_table() {
  TableDef t{*TableName::parse("wechat_payment_merchant")};
  t.privileges = {"SELECT"};
  // Keys and certificates stay in Kubernetes Secrets, so none of the PHP key columns exist here.
  t.columns = {php("id", "bigint PRIMARY KEY"), used("mch_id", "varchar(64) NOT NULL UNIQUE")};
  add_blame_columns(t.columns, false);
  return t;
}

TableDef profit_share_order_table() {
  TableDef t{*TableName::parse("wechat_pay_profit_share_order")};
  t.privileges = {"SELECT", "INSERT", "UPDATE"};
  t.columns = {
      php("id", "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
      used("merchant_id", "bigint"),
      used("sub_mch_id", "varchar(32) NOT NULL DEFAULT ''"),
      php("app_id", "varchar(32)"),
      php("sub_app_id", "varchar(32)"),
      used("transaction_id", "varchar(32) NOT NULL"),
      used("out_order_no", "varchar(64) NOT NULL UNIQUE"),
      used("order_id", "varchar(64)"),
      used("state", "varchar(20) NOT NULL DEFAULT 'PROCESSING'"),
      used("unfreeze_unsplit", "boolean NOT NULL DEFAULT false", "boolean NOT NULL DEFAULT false"),
      used("wechat_created_at", "timestamptz"),
      used("wechat_finished_at", "timestamptz"),
      used("request_payload", "text"),
      used("response_payload", "text"),
      php("metadata", "json"),
      used("kind", "varchar(16) NOT NULL DEFAULT 'SPLIT'", "varchar(16) NOT NULL DEFAULT 'SPLIT'"),
      used("parent_order_id", "bigint"),
      used("next_sync_at", "timestamptz"),
      used("sync_attempts", "integer NOT NULL DEFAULT 0", "integer NOT NULL DEFAULT 0"),
      used("last_error", "text"),
      used("unfrozen_at", "timestamptz"),
  };
  add_blame_columns(t.columns, false);
  t.constraints.push_back("FOREIGN KEY (merchant_id) REFERENCES wechat_payment_merchant (id)");
  t.indexes.push_back(IndexDef{t.table.derived("_orderops_sync_idx"),
                               "(next_sync_at, id) WHERE state = 'PROCESSING'"});
  t.indexes.push_back(IndexDef{t.table.derived("_parent_order_id_idx"), "(parent_order_id)", false,
                               "parent_order_id"});
  t.needs_id_default = true;
  return t;
}

TableDef receiver_table() {
  TableDef t{*TableName::parse("wechat_pay_profit_share_receiver")};
  t.privileges = {"SELECT", "INSERT", "UPDATE"};
  t.columns = {
      php("id", "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
      used("order_id", "bigint NOT NULL"),
      used("sequence", "integer NOT NULL DEFAULT 0"),
      used("type", "varchar(32) NOT NULL"),
      used("account", "varchar(64) NOT NULL"),
      used("name", "varchar(1024)"),
      used("amount", "integer NOT NULL"),
      used("description", "varchar(80) NOT NULL DEFAULT ''"),
      used("result", "varchar(20) NOT NULL DEFAULT 'PENDING'"),
      used("fail_reason", "varchar(64)"),
      used("detail_id", "varchar(64)"),
      used("wechat_created_at", "timestamptz"),
      used("wechat_finished_at", "timestamptz"),
      used("retry_count", "integer NOT NULL DEFAULT 0", "integer NOT NULL DEFAULT 0"),
      used("next_retry_at", "timestamptz"),
      used("finally_failed", "boolean NOT NULL DEFAULT false", "boolean NOT NULL DEFAULT false"),
      php("metadata", "json"),
      used("retry_of_receiver_id", "bigint"),
  };
  add_blame_columns(t.columns, false);
  t.constraints.push_back(
      "FOREIGN KEY (order_id) REFERENCES wechat_pay_profit_share_order (id) ON DELETE CASCADE");
  t.indexes.push_back(IndexDef{t.table.derived("_order_id_idx"), "(order_id)", false, "order_id"});
  t.needs_id_default = true;
  return t;
}

TableDef bill_task_table() {
  TableDef t{*TableName::parse("wechat_pay_profit_share_bill_task")};
  t.privileges = {"SELECT", "INSERT", "UPDATE"};
  t.columns = {
      php("id", "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
      used("merchant_id", "bigint"),
      used("sub_mch_id", "varchar(32)"),
      used("bill_date", "date NOT NULL"),
      used("tar_type", "varchar(10)"),
      used("hash_type", "varchar(10)"),
      used("hash_value", "varchar(1024)"),
      used("download_url", "varchar(2048)"),
      used("status", "varchar(20) NOT NULL DEFAULT 'pending'"),
      used("downloaded_at", "timestamptz"),
      used("local_path", "varchar(1024)"),
      used("request_payload", "text"),
      used("response_payload", "text"),
      php("metadata", "json"),
      used("attempts", "integer NOT NULL DEFAULT 0", "integer NOT NULL DEFAULT 0"),
      used("last_error", "text"),
  };
  add_blame_columns(t.columns, false);
  t.constraints.push_back("FOREIGN KEY (merchant_id) REFERENCES wechat_payment_merchant (id)");
  // One task per merchant, sub-merchant and date. NULLs would defeat a plain unique key, and the
  // merchant is part of it so a shop with several merchants does not collide.
  t.indexes.push_back(
      IndexDef{std::string(kBillTaskUniqueIndex),
               "((coalesce(merchant_id, 0)), (coalesce(sub_mch_id, '')), bill_date)", true});
  t.needs_id_default = true;
  return t;
}

TableDef operation_log_table() {
  TableDef t{*TableName::parse("wechat_pay_profit_share_operation_log")};
  t.privileges = {"INSERT"};
  t.columns = {
      php("id", "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
      used("merchant_id", "bigint"),
      used("sub_mch_id", "varchar(32)"),
      used("type", "varchar(40) NOT NULL"),
      used("success", "boolean NOT NULL DEFAULT false"),
      used("error_code", "varchar(32)"),
      used("error_message", "varchar(255)"),
      used("request_payload", "text"),
      used("response_payload", "text"),
      php("metadata", "json"),
      used("request_id", "varchar(64)"),
      used("duration_ms", "integer"),
  };
  add_blame_columns(t.columns, false);
  t.constraints.push_back("FOREIGN KEY (merchant_id) REFERENCES wechat_payment_merchant (id)");
  t.needs_id_default = true;
  return t;
}

bool has_part(const SchemaOptions& o, SchemaPart p) {
  for (auto x : o.parts) {
    if (x == p) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<TableDef>> schema_tables(const SchemaOptions& options) {
  std::vector<TableDef> out;
  if (has_part(options, SchemaPart::kAftersales)) {
    auto table = TableName::parse(options.aftersales_table, "spec.database.table");
    if (!table) return std::unexpected(table.error());
    auto log = TableName::parse(options.aftersales_log_table, "spec.database.logTable");
    if (!log) return std::unexpected(log.error());
    if (table->quoted() == log->quoted()) {
      return invalid("spec.database.logTable: \"" + log->display() +
                     "\" must differ from spec.database.table");
    }
    out.push_back(aftersales_table(*table));
    out.push_back(aftersales_log_table(*log, *table));
  }
  if (has_part(options, SchemaPart::kProfitShare)) {
    out.push_back(merchant_table());
    out.push_back(profit_share_order_table());
    out.push_back(receiver_table());
    out.push_back(bill_task_table());
    out.push_back(operation_log_table());
  }
  return out;
}

std::string create_table_sql(const TableDef& t) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + t.table.quoted() + " (";
  bool first = true;
  for (const auto& c : t.columns) {
    sql += (first ? "\n  " : ",\n  ") + quote_identifier(c.name) + " " + c.create;
    first = false;
  }
  for (const auto& c : t.constraints) sql += ",\n  " + c;
  sql += "\n)";
  return sql;
}

}  // namespace orderops::pg
