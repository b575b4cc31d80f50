// Atomic placement of a downloaded bill: a temporary file in the final directory, fsync, rename,
// fsync of the directory; the temporary file is removed unless placed. Not thread-safe: one per
// download.
#pragma once

#include <filesystem>
#include <string>

#include "common/error.h"
#include "profitshare/bill_path.h"

namespace orderops::profitshare {

// Creates the missing parts of path.directory below storage_path (0750); an existing part that
// is a symlink or not a directory is refused, so nothing is created where a link would lead.
Status prepare_bill_directory(const std::string& storage_path, const BillPath& path);

class TempBillFile {
 public:
  // A new, exclusive file ".<file_name>.XXXXXX" in path.directory (mode 0600).
  static Result<TempBillFile> create(const BillPath& path);
  TempBillFile(TempBillFile&& other) noexcept;
  TempBillFile& operator=(TempBillFile&&) = delete;
  TempBillFile(const TempBillFile&) = delete;
  TempBillFile& operator=(const TempBillFile&) = delete;
  ~TempBillFile();

  int fd() const { return fd_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  // fsync, mode 0640, close, rename to the final name, fsync the directory. After success the
  // destructor leaves the file alone.
  Status place();

 private:
  TempBillFile(int fd, std::filesystem::path temp, std::filesystem::path final_path);
  int fd_ = -1;
  std::filesystem::path temp_;
  std::filesystem::path final_;
  bool placed_ = false;
};

}  // namespace orderops::profitshare
