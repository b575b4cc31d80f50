#include "profitshare/bill_job.h"

#include <nlohmann/json.hpp>

#include "profitshare/bill_calendar.h"
#include "profitshare/bill_file.h"
#include "profitshare/job_support.h"
#include "profitshare/names.h"
#include "schedule/time_zone.h"
#include "wechatpay/api_error.h"
#include "wechatpay/bill_stream.h"

namespace orderops::profitshare {

namespace {

// WeChat Pay answers INVALID_REQUEST "请求的账单正在生成中" while it is still building the bill.
bool not_ready(const Error& e) {
  return has_reason(e, wechatpay::kCodeNoStatement) ||
         (has_reason(e, wechatpay::kCodeInvalidRequest) &&
          e.message.find("正在生成") != std::string::npos);
}

// The error for last_error: its WeChat code (or our reason) first, so it can be searched for.
std::string describe(const Error& e) {
  if (e.reason.empty() || e.message.find(e.reason) != std::string::npos) return e.message;
  return e.reason + ": " + e.message;
}

bool is_sha1(std::string_view type) {
  return type.size() == 4 && (type[0] == 'S' || type[0] == 's') &&
         (type[1] == 'H' || type[1] == 'h') && (type[2] == 'A' || type[2] == 'a') && type[3] == '1';
}

class BillRun {
 public:
  BillRun(const BillDownloadConfig& config, JobEnv& env) : config_(config), env_(env) {}

  void run() {
    auto zone = schedule::TimeZone::load(config_.time_zone);
    if (!zone) return env_.fail_run(zone.error().wrap("spec.timeZone"));
    const BillWindow window =
        bill_window(env_.ctx.clock.now(), *zone, config_.lookback_days, config_.expire_days);
    auto expired = env_.session.expire_bill_tasks(env_.scope, window.expire_before, env_.dry_run());
    if (!expired) return env_.fail_run(expired.error().wrap("expire bill tasks"));
    env_.result.add(count::kExpired, *expired);
    auto rows = env_.session.bill_tasks(env_.scope, window.expire_before);
    if (!rows) return env_.fail_run(rows.error().wrap("read bill tasks"));
    std::vector<BillTaskState> tasks;
    for (const auto& r : *rows) tasks.push_back({r.date, r.status});
    for (const auto date : bill_dates_to_fetch(window, tasks)) {
      if (env_.stopped() || env_.result.error) return;
      fetch(date);
    }
  }

 private:
  std::string apply_payload(std::chrono::sys_days date) const {
    nlohmann::json j = {{"bill_date", format_date(date)}};
    if (config_.gzip) j["tar_type"] = "GZIP";
    if (!env_.scope.sub_mch_id.empty()) j["sub_mchid"] = env_.scope.sub_mch_id;
    return j.dump();
  }

  void fetch(std::chrono::sys_days date) {
    const auto started = env_.ctx.clock.monotonic();
    auto bill = env_.payment.apply_bill(
        wechatpay::BillRequest{std::chrono::year_month_day(date), config_.gzip}, env_.ctx.stop);
    nlohmann::json response;
    if (bill) response = {{"hash_type", bill->hash_type}, {"hash_value", bill->hash_value}};
    env_.log_operation(kOpApplyBill, started, apply_payload(date), bill ? nullptr : &bill.error(),
                       bill ? response.dump() : "");
    if (!bill) return apply_failed(date, bill.error());
    env_.result.add(count::kApplied);
    if (env_.stopped()) return;  // the URL dies in 30 s anyway; the next run applies again
    if (env_.dry_run()) {
      env_.result.add(count::kDownloaded);
      env_.would("download bill", format_date(date));
      return;
    }
    download(date, *bill);
  }

  void apply_failed(std::chrono::sys_days date, const Error& e) {
    if (e.code == ErrorCode::kCancelled) return env_.fail_run(e);
    if (not_ready(e)) {
      env_.result.add(count::kNotReady);
      save(date, kBillPending, nullptr, "", describe(e));
      return;
    }
    env_.fail_item(format_date(date), e);
    save(date, kBillFailed, nullptr, "", describe(e));
  }

  void download(std::chrono::sys_days date, const wechatpay::BillInfo& bill) {
    if (!is_sha1(bill.hash_type)) {
      return failed(date, &bill,
                    invalid("unsupported hash_type \"" + bill.hash_type + "\"").error());
    }
    auto path = bill_path(config_.storage_path, date, config_.merchant.account_id(), config_.gzip);
    if (!path) return failed(date, &bill, path.error());
    if (auto s = prepare_bill_directory(config_.storage_path, *path); !s) {
      return failed(date, &bill, s.error());
    }
    auto file = TempBillFile::create(*path);
    if (!file) return failed(date, &bill, file.error());
    const auto started = env_.ctx.clock.monotonic();
    auto got = env_.payment.download_bill(bill, file->fd(), config_.gzip, env_.ctx.stop);
    nlohmann::json request = {{"bill_date", format_date(date)},
                              {"local_path", path->full().string()}};
    nlohmann::json response;
    if (got) response = {{"bytes", got->received_bytes}, {"sha1", got->sha1}};
    env_.log_operation(kOpDownloadBill, started, request.dump(), got ? nullptr : &got.error(),
                       got ? response.dump() : "");
    // On every early return below the temporary file is removed by its destructor.
    if (!got) {
      if (got.error().code == ErrorCode::kCancelled) return env_.fail_run(got.error());
      return failed(date, &bill, got.error());
    }
    if (auto placed = file->place(); !placed) return failed(date, &bill, placed.error());
    if (save(date, kBillDownloaded, &bill, path->full().string(), "")) {
      env_.result.add(count::kDownloaded);
    } else {
      // The file is in place but not recorded: the next run downloads it again (same name).
      env_.fail_item(format_date(date),
                     Error{ErrorCode::kInternal, "bill task not saved", {}, {}, {}});
    }
  }

  void failed(std::chrono::sys_days date, const wechatpay::BillInfo* bill, const Error& e) {
    env_.fail_item(format_date(date), e);
    save(date, kBillFailed, bill, "", describe(e));
  }

  // False when the row could not be written (logged; a lost session also fails the run).
  bool save(std::chrono::sys_days date, std::string_view status, const wechatpay::BillInfo* bill,
            std::string local_path, std::string error) {
    if (env_.dry_run()) return true;
    BillTaskUpdate u;
    u.scope = env_.scope;
    u.date = date;
    u.status = std::string(status);
    u.gzip = config_.gzip;
    if (bill) {
      u.hash_type = bill->hash_type;
      u.hash_value = bill->hash_value;
      u.download_url = bill->download_url;
    }
    u.local_path = std::move(local_path);
    u.last_error = truncate_utf8(error, 1000);
    auto saved = env_.session.save_bill_task(u);
    if (saved) return true;
    env_.ctx.logger.warn("bill task not saved",
                         {{"date", format_date(date)}, {"error", saved.error().message}});
    if (is_session_fatal(saved.error())) env_.fail_run(saved.error().wrap("save bill task"));
    return false;
  }

  const BillDownloadConfig& config_;
  JobEnv& env_;
};

}  // namespace

ProfitShareRunResult run_bill_download_job(const BillDownloadConfig& config,
                                           ProfitShareStore& store, PaymentApi& payment,
                                           const RunContext& ctx) {
  return run_task(api::Task::kBillDownload, validate(config), config.merchant, store, payment, ctx,
                  [&config](JobEnv& env) { BillRun(config, env).run(); });
}

}  // namespace orderops::profitshare
