#include "profitshare/bill_path.h"

#include <algorithm>
#include <cstdio>

namespace orderops::profitshare {

namespace {

constexpr std::string_view kStorageField = "spec.billDownload.storagePath";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Status validate_storage_path(std::string_view storage_path) {
  std::string prefix(kStorageField);
  prefix += ": ";
  if (storage_path.empty()) return invalid(prefix + "required");
  if (storage_path.find('\0') != std::string_view::npos) {
    return invalid(prefix + "must not contain NUL");
  }
  prefix += '"';
  prefix += storage_path;
  prefix += "\" ";
  const std::filesystem::path p{std::string(storage_path)};
  if (!p.is_absolute()) return invalid(prefix + "must be an absolute path");
  for (const auto& part : p) {
    if (part == "." || part == "..")
      return invalid(prefix + "must not contain \".\" or \"..\" parts");
  }
  return {};
}

Status validate_account_id(std::string_view account_id, std::string_view field) {
  if (account_id.empty() || account_id.size() > kMaxAccountIdLength ||
      !std::all_of(account_id.begin(), account_id.end(), is_digit)) {
    return invalid(std::string(field) + ": \"" + std::string(account_id) +
                   "\" must be 1-32 digits");
  }
  return {};
}

std::string format_date(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd{date};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool is_within(const std::filesystem::path& root, const std::filesystem::path& path) {
  const auto r = root.lexically_normal();
  const auto p = path.lexically_normal();
  auto ri = r.begin();
  auto pi = p.begin();
  for (; ri != r.end(); ++ri, ++pi) {
    // A trailing separator of the root normalises to an empty last part.
    if (ri->empty() && std::next(ri) == r.end()) return true;
    if (pi == p.end() || *ri != *pi) return false;
  }
  return true;
}

Result<BillPath> bill_path(std::string_view storage_path, std::chrono::sys_days date,
                           std::string_view account_id, bool gzip) {
  if (auto s = validate_storage_path(storage_path); !s) return std::unexpected(s.error());
  if (auto s = validate_account_id(account_id, "merchant account"); !s) {
    return std::unexpected(s.error());
  }
  const std::chrono::year_month_day ymd{date};
  if (!ymd.ok()) return invalid("bill date is not a valid date");
  const std::string day = format_date(date);  // YYYY-MM-DD, digits and dashes only
  const std::filesystem::path root{std::string(storage_path)};
  BillPath out;
  out.directory = root / day.substr(0, 4) / day.substr(5, 2) / std::string(account_id);
  out.file_name =
      "profit_share_" + day + "_" + std::string(account_id) + (gzip ? ".csv.gz" : ".csv");
  if (!is_within(root, out.full())) {
    return invalid("bill path " + out.full().string() + " escapes " + std::string(kStorageField));
  }
  return out;
}

}  // namespace orderops::profitshare
