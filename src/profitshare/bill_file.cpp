#include "profitshare/bill_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace orderops::profitshare {

namespace {

Error io_error(const std::string& what, int err) {
  return Error{ErrorCode::kInternal, what + ": " + std::strerror(err), "IO_ERROR", {}, {}};
}

Status fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(io_error("open " + dir.string(), errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return std::unexpected(io_error("fsync " + dir.string(), err));
  return {};
}

}  // namespace

// Walks from the storage path down, one part at a time: an existing part must be a real
// directory (never a symlink), a missing one is created (0750). Nothing is created anywhere a
// symlink would lead.
Status prepare_bill_directory(const std::string& storage_path, const BillPath& path) {
  const std::filesystem::path root{storage_path};
  if (!is_within(root, path.directory)) {
    return invalid(path.directory.string() + " is outside the storage path");
  }
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return make_error(ErrorCode::kInternal, "create " + storage_path + ": " + ec.message());
  std::filesystem::path at = root;
  for (const auto& part :
       path.directory.lexically_normal().lexically_relative(root.lexically_normal())) {
    if (part.empty() || part == ".") continue;
    at /= part;
    const auto status = std::filesystem::symlink_status(at, ec);
    if (std::filesystem::is_symlink(status)) {
      return invalid(at.string() + " is a symlink; bills are only written below the storage path");
    }
    if (std::filesystem::exists(status)) {
      if (!std::filesystem::is_directory(status))
        return invalid(at.string() + " is not a directory");
      continue;
    }
    if (::mkdir(at.c_str(), 0750) != 0 && errno != EEXIST) {
      return std::unexpected(io_error("create " + at.string(), errno));
    }
  }
  return {};
}

Result<TempBillFile> TempBillFile::create(const BillPath& path) {
  std::string pattern = (path.directory / ("." + path.file_name + ".XXXXXX")).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0)
    return std::unexpected(
        io_error("create a temporary file in " + path.directory.string(), errno));
  return TempBillFile(fd, std::filesystem::path(buf.data()), path.full());
}

TempBillFile::TempBillFile(int fd, std::filesystem::path temp, std::filesystem::path final_path)
    : fd_(fd), temp_(std::move(temp)), final_(std::move(final_path)) {}

TempBillFile::TempBillFile(TempBillFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      temp_(std::move(other.temp_)),
      final_(std::move(other.final_)),
      placed_(std::exchange(other.placed_, true)) {}

TempBillFile::~TempBillFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!placed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status TempBillFile::place() {
  if (::fsync(fd_) != 0) return std::unexpected(io_error("fsync " + temp_.string(), errno));
  if (::fchmod(fd_, 0640) != 0) return std::unexpected(io_error("chmod " + temp_.string(), errno));
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return std::unexpected(io_error("close " + temp_.string(), errno));
  if (::rename(temp_.c_str(), final_.c_str()) != 0) {
    return std::unexpected(io_error("rename to " + final_.string(), errno));
  }
  placed_ = true;
  return fsync_directory(final_.parent_path());
}

}  // namespace orderops::profitshare
