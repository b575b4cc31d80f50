// PgSession: bill tasks.
#include "profitshare/bill_path.h"
#include "profitshare/pg_session.h"
#include "profitshare/pg_sql.h"

namespace orderops::profitshare {

Result<std::vector<BillTaskRow>> PgSession::bill_tasks(const MerchantScope& scope,
                                                       std::chrono::sys_days from) {
  auto rows = conn_.exec(sql::kBillTasks,
                         {pgval::id(scope.merchant_id), scope.sub_mch_id, format_date(from)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<BillTaskRow> out;
  for (std::size_t r = 0; r < rows->size(); ++r) {
    auto date = pgval::date(rows->text(r, 0));
    if (!date) return std::unexpected(date.error());
    out.push_back(BillTaskRow{*date, rows->text(r, 1)});
  }
  return out;
}

Result<std::int64_t> PgSession::expire_bill_tasks(const MerchantScope& scope,
                                                  std::chrono::sys_days before, bool dry_run) {
  const pg::Params params = {pgval::id(scope.merchant_id), scope.sub_mch_id, format_date(before)};
  if (dry_run) return count(sql::kCountExpirableBills, params);
  auto rows = conn_.exec(sql::kExpireBills, params);
  if (!rows) return std::unexpected(rows.error());
  return static_cast<std::int64_t>(rows->affected());
}

Status PgSession::save_bill_task(const BillTaskUpdate& u) {
  auto rows = conn_.exec(sql::kSaveBill,
                         {pgval::id(u.scope.merchant_id), u.scope.sub_mch_id, format_date(u.date),
                          u.gzip ? "GZIP" : "", u.hash_type, u.hash_value, u.download_url, u.status,
                          u.local_path, u.last_error});
  if (!rows) return std::unexpected(rows.error());
  return {};
}

}  // namespace orderops::profitshare
