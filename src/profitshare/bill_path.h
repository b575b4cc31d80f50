// Where a downloaded bill lives: <storagePath>/<YYYY>/<MM>/<account>/profit_share_<date>_<account>
// .csv[.gz]. Every part is checked (an absolute, normalised storage path; an account of digits)
// so no input can name a file outside storagePath. Pure; thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::profitshare {

inline constexpr std::size_t kMaxAccountIdLength = 32;

// Absolute, no "." or ".." parts, no NUL; kInvalid naming spec.billDownload.storagePath.
Status validate_storage_path(std::string_view storage_path);
// 1-32 ASCII digits (mchId / subMchId); kInvalid naming `field`.
Status validate_account_id(std::string_view account_id, std::string_view field);

// "2026-11-20".
std::string format_date(std::chrono::sys_days date);

struct BillPath {
  std::filesystem::path directory;  // <storagePath>/<YYYY>/<MM>/<account>
  std::string file_name;            // profit_share_<YYYY-MM-DD>_<account>.csv[.gz]

  std::filesystem::path full() const { return directory / file_name; }
};

// Validates both inputs again (callers may skip validate()) and checks that the result lies
// under storage_path.
Result<BillPath> bill_path(std::string_view storage_path, std::chrono::sys_days date,
                           std::string_view account_id, bool gzip);

// True when `path`, lexically normalised, is `root` or lies below it.
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace orderops::profitshare
