#pragma once
// A progress bar with rate and ETA on stderr, drawn only when stderr is a terminal.
#include <chrono>
#include <cstdint>

namespace parley::cli {

class Progress {
 public:
  Progress(std::uint64_t total, bool enabled);
  void update(std::uint64_t done);  // cheap: redraws at most ten times a second
  void finish();

 private:
  void draw(std::uint64_t done);
  std::uint64_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace parley::cli
