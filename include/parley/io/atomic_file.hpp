#pragma once
// Output that appears only when complete: write to a unique temporary name in the
// target directory, then rename into place. The temporary is removed on any
// failure (the destructor runs unless commit() succeeded).
#include <string>

namespace parley::io {

enum class Overwrite { refuse, allow };

class AtomicPath {
 public:
  // Throws IoError if `target` exists and overwrite is refused, or if its
  // directory does not exist.
  AtomicPath(std::string target, Overwrite overwrite);
  ~AtomicPath();
  AtomicPath(const AtomicPath&) = delete;
  AtomicPath& operator=(const AtomicPath&) = delete;

  const std::string& temporary() const noexcept { return temporary_; }
  const std::string& target() const noexcept { return target_; }
  // Renames the temporary onto the target. Throws IoError.
  void commit();

 private:
  std::string target_;
  std::string temporary_;
  bool committed_ = false;
};

// True if a file exists at `path`.
bool file_exists(const std::string& path);

}  // namespace parley::io
