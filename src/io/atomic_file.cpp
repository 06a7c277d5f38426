#include "parley/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "parley/io/io_error.hpp"

namespace parley::io {

namespace {
// mkstemps replaces the X's; the suffix after them is kept.
constexpr std::string_view kTemporarySuffix = ".XXXXXX.tmp";
}  // namespace

bool is_temporary_name(const std::string& filename) {
  return filename.size() > kTemporarySuffix.size() + 1 && filename.front() == '.' &&
         filename.ends_with(".tmp") && filename[filename.size() - kTemporarySuffix.size()] == '.';
}

namespace fs = std::filesystem;

namespace {

std::string directory_of(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

// fsync of a file or directory by name; a directory's entry makes a rename durable.
void sync_path(const std::string& path, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw IoError(what + ": cannot open " + path + " to flush it: " + std::strerror(errno));
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot sync a directory (EINVAL); the data itself was synced.
  if (status != 0 && error != EINVAL) {
    throw IoError(what + ": flushing " + path + " to disk failed: " + std::strerror(error));
  }
}

}  // namespace

bool file_exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

AtomicPath::AtomicPath(std::string target, Overwrite overwrite)
    : target_(std::move(target)), overwrite_(overwrite) {
  if (overwrite == Overwrite::refuse && file_exists(target_)) {
    throw IoError(target_ + ": file exists (use --force to overwrite it)");
  }
  // Only a regular file may be replaced: not a directory, a device, a pipe or a symbolic link
  // (whose rename would replace the link, not what it points to; a dangling one was found only
  // at the end of the run).
  {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(target_, ec);
    if (!ec && fs::exists(st) && !fs::is_regular_file(st)) {
      throw InvalidFile(target_ + ": not a regular file (allowed: a new file's path, or with " +
                        "--force an existing regular file)");
    }
  }
  const std::string dir = directory_of(target_);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw IoError(target_ + ": directory " + dir + " does not exist");
  }
  // A unique name in the target directory (so that the rename stays on one file system),
  // hidden, and recognisably Parley's (is_temporary_name): .<name>.XXXXXX.tmp
  const std::string pattern = (fs::path(dir) / ("." + fs::path(target_).filename().string() +
                                                std::string(kTemporarySuffix)))
                                  .string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemps(name.data(), 4);
  if (fd < 0) {
    throw IoError(target_ + ": cannot create a file in " + dir + ": " + std::strerror(errno));
  }
  // mkstemps creates it 0600; the output gets a new file's usual permissions.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temporary_ = name.data();
}

AtomicPath::~AtomicPath() {
  if (!committed_) std::remove(temporary_.c_str());
}

void AtomicPath::commit() {
  commit_to(target_, overwrite_ == Overwrite::allow);
}

void AtomicPath::commit_as(const std::string& path) {
  commit_to(path, true);
}

void AtomicPath::commit_to(const std::string& path, bool replace) {
  sync_path(temporary_, path);
  int status;
  if (replace) {
    status = std::rename(temporary_.c_str(), path.c_str());
  } else {
    status = ::renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    if (status != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // A file system without RENAME_NOREPLACE: check, then rename.
      if (file_exists(path)) {
        errno = EEXIST;
      } else {
        status = std::rename(temporary_.c_str(), path.c_str());
      }
    }
  }
  if (status != 0) {
    if (errno == EEXIST) throw IoError(path + ": file exists (use --force to overwrite it)");
    throw IoError(path + ": cannot rename the finished file into place: " + std::strerror(errno));
  }
  committed_ = true;
  sync_path(directory_of(path), path);
}

}  // namespace parley::io
