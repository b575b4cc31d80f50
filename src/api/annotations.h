// Annotation names of api.md section 4: a user sets one to a new token to ask for a run now.
// Constants only.
#pragma once

#include <string_view>

namespace orderops::api::annotations {

inline constexpr std::string_view kRunNow = "orderops.io/run-now";  // ATP
inline constexpr std::string_view kRunNowSync = "orderops.io/run-now-sync";
inline constexpr std::string_view kRunNowDownloadBill = "orderops.io/run-now-download-bill";
inline constexpr std::string_view kRunNowRetry = "orderops.io/run-now-retry";
inline constexpr std::string_view kRunNowUnfreeze = "orderops.io/run-now-unfreeze";

}  // namespace orderops::api::annotations
