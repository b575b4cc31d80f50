#include "profitshare/pg_session.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "profitshare/pg_repository.h"
#include "profitshare/pg_sql.h"

namespace orderops::profitshare {

namespace pgval {

std::string id(std::int64_t v) { return std::to_string(v); }

pg::Param time(const std::optional<SystemTime>& t) {
  if (!t) return std::nullopt;
  return format_rfc3339_micro(*t);
}

std::string seconds(std::chrono::seconds d) { return std::to_string(d.count()); }

std::string boolean(bool v) { return v ? "true" : "false"; }

Result<std::chrono::sys_days> date(const std::string& text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%u%c", &y, &m, &d, &tail) != 3) {
    return make_error(ErrorCode::kInternal, "unexpected date \"" + text + "\"");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return make_error(ErrorCode::kInternal, "unexpected date \"" + text + "\"");
  return std::chrono::sys_days(ymd);
}

Result<int> int32(const pg::Rows& rows, std::size_t r, std::size_t c) {
  auto v = rows.int64(r, c);
  if (!v) return std::unexpected(v.error());
  return static_cast<int>(*v);
}

}  // namespace pgval

PgSession::PgSession(pg::Connection conn, std::stop_token stop)
    : conn_(std::move(conn)), cancel_on_stop_(conn_.canceller(), std::move(stop)) {}

Result<std::optional<std::int64_t>> PgSession::find_merchant(const std::string& mch_id) {
  auto rows = conn_.exec(sql::kFindMerchant, {mch_id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<std::int64_t>();
  auto id = rows->int64(0, 0);
  if (!id) return std::unexpected(id.error());
  return std::optional<std::int64_t>(*id);
}

Result<std::string> PgSession::database_time() {
  auto rows = conn_.exec(sql::kNow);
  if (!rows) return std::unexpected(rows.error());
  return rows->text(0, 0);
}

Status PgSession::log_operation(const OperationRecord& r) {
  const nlohmann::json metadata = {{"runID", r.run_id},
                                   {"namespace", r.resource_namespace},
                                   {"name", r.resource_name},
                                   {"task", r.task}};
  auto rows = conn_.exec(
      sql::kLogOperation,
      {pgval::id(r.scope.merchant_id), r.scope.sub_mch_id, r.type, pgval::boolean(r.success),
       r.error_code, r.error_message, r.request_payload, r.response_payload,
       metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), r.request_id,
       std::to_string(r.duration_ms)});
  if (!rows) return std::unexpected(rows.error().wrap("write operation log"));
  return {};
}

Result<std::int64_t> PgSession::count(std::string_view statement, const pg::Params& params) {
  auto rows = conn_.exec(statement, params);
  if (!rows) return std::unexpected(rows.error());
  return rows->int64(0, 0);
}

namespace {

class PgStore final : public ProfitShareStore {
 public:
  PgStore(pg::ConnectOptions options, const Clock& clock)
      : options_(std::move(options)), clock_(clock) {}

  Result<std::unique_ptr<ProfitShareSession>> open_session(std::stop_token stop) override {
    auto conn = pg::Connection::open(options_, clock_, stop);
    if (!conn) return std::unexpected(conn.error());
    return std::unique_ptr<ProfitShareSession>(
        std::make_unique<PgSession>(std::move(*conn), std::move(stop)));
  }

 private:
  const pg::ConnectOptions options_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<ProfitShareStore> make_pg_profitshare_store(pg::ConnectOptions options,
                                                            const Clock& clock) {
  return std::make_unique<PgStore>(std::move(options), clock);
}

}  // namespace orderops::profitshare
