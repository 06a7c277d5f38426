#pragma once
// Output that appears only when complete: a unique temporary file is created in the target
// directory, written, flushed to disk and renamed into place. The temporary is removed on
// any failure (the destructor runs unless a commit succeeded).
#include <string>

namespace parley::io {

enum class Overwrite { refuse, allow };

class AtomicPath {
 public:
  // Creates the temporary file. Throws IoError if `target` exists and overwrite is refused,
  // if its directory does not exist, or if no file can be created there.
  AtomicPath(std::string target, Overwrite overwrite);
  ~AtomicPath();
  AtomicPath(const AtomicPath&) = delete;
  AtomicPath& operator=(const AtomicPath&) = delete;

  const std::string& temporary() const noexcept { return temporary_; }
  const std::string& target() const noexcept { return target_; }
  // Flushes the (closed) temporary to disk and renames it onto the target; with overwrite
  // refused, fails rather than replace a file that appeared meanwhile. Throws IoError.
  void commit();
  // The same onto `path` instead, replacing what is there (an interrupted run's
  // `<target>.partial`).
  void commit_as(const std::string& path);

 private:
  void commit_to(const std::string& path, bool replace);

  std::string target_;
  std::string temporary_;
  Overwrite overwrite_;
  bool committed_ = false;
};

// True if `filename` (no folder) is the name of an AtomicPath temporary, .<name>.XXXXXX.tmp:
// one a killed run left behind, if no run is writing it.
bool is_temporary_name(const std::string& filename);

// True if a file exists at `path`.
bool file_exists(const std::string& path);

}  // namespace parley::io
