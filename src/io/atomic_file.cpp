#include "parley/io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "parley/io/io_error.hpp"

namespace parley::io {

namespace fs = std::filesystem;

bool file_exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

AtomicPath::AtomicPath(std::string target, Overwrite overwrite) : target_(std::move(target)) {
  if (overwrite == Overwrite::refuse && file_exists(target_)) {
    throw IoError(target_ + ": file exists (use --force to overwrite it)");
  }
  const fs::path p(target_);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw IoError(target_ + ": directory " + dir.string() + " does not exist");
  }
  temporary_ =
      (dir / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
}

AtomicPath::~AtomicPath() {
  if (!committed_) std::remove(temporary_.c_str());
}

void AtomicPath::commit() {
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    throw IoError(target_ +
                  ": cannot rename the finished file into place: " + std::strerror(errno));
  }
  committed_ = true;
}

}  // namespace parley::io
