// Which bill dates a billDownload run asks for, in the resource's time zone: a day's bill exists
// from 10:00 the next day; dates from lookbackDays ago up to the newest available one are wanted,
// plus older ones still pending or failed until they pass expireDays, when they expire. "Now"
// comes from the injected clock. Pure; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "schedule/time_zone.h"

namespace orderops::profitshare {

// WeChat Pay generates a day's bill during the night and serves it from about 10:00.
inline constexpr std::chrono::hours kBillReadyHour{10};

struct BillWindow {
  std::chrono::sys_days today;           // the local calendar date of now
  std::chrono::sys_days first;           // today - lookbackDays, not before expire_before
  std::chrono::sys_days last_available;  // yesterday from 10:00 local, else the day before
  std::chrono::sys_days expire_before;   // dates before today - expireDays are expired
};

BillWindow bill_window(SystemTime now, const schedule::TimeZone& zone, int lookback_days,
                       int expire_days);

// A stored task of one date (status as stored: pending, ready, downloaded, failed, expired).
struct BillTaskState {
  std::chrono::sys_days date;
  std::string status;
};

// Dates to apply for, oldest first: every date of [first, last_available] that has no task
// downloaded or expired, and every older task that is not downloaded or expired and not yet
// before expire_before.
std::vector<std::chrono::sys_days> bill_dates_to_fetch(const BillWindow& window,
                                                       const std::vector<BillTaskState>& tasks);

}  // namespace orderops::profitshare
