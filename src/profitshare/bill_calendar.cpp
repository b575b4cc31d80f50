#include "profitshare/bill_calendar.h"

#include <algorithm>
#include <set>

#include "profitshare/names.h"

namespace orderops::profitshare {

namespace {

bool is_final(const std::string& status) {
  return status == kBillDownloaded || status == kBillExpired;
}

}  // namespace

BillWindow bill_window(SystemTime now, const schedule::TimeZone& zone, int lookback_days,
                       int expire_days) {
  using std::chrono::days;
  const auto local = std::chrono::floor<std::chrono::seconds>(now) + zone.offset_at(now);
  const auto today = std::chrono::floor<days>(local);
  const auto time_of_day = local - today;
  BillWindow w;
  w.today = today;
  w.last_available = w.today - days(time_of_day >= kBillReadyHour ? 1 : 2);
  w.expire_before = w.today - days(expire_days);
  w.first = std::max(w.today - days(lookback_days), w.expire_before);
  return w;
}

std::vector<std::chrono::sys_days> bill_dates_to_fetch(const BillWindow& w,
                                                       const std::vector<BillTaskState>& tasks) {
  std::set<std::chrono::sys_days> finals;
  std::set<std::chrono::sys_days> out;
  for (const auto& t : tasks) {
    if (is_final(t.status)) finals.insert(t.date);
  }
  for (auto d = w.first; d <= w.last_available; d += std::chrono::days(1)) {
    if (!finals.contains(d)) out.insert(d);
  }
  for (const auto& t : tasks) {
    if (!is_final(t.status) && t.date >= w.expire_before && t.date <= w.last_available) {
      out.insert(t.date);
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace orderops::profitshare
