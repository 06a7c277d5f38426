#pragma once
// Progress on stderr with rate, elapsed time and ETA. On a terminal: a bar redrawn in place. Else
// (a Slurm log, a notebook's subprocess): one line every PARLEY_PROGRESS_SECONDS seconds
// (default 10) and one at the end, so that a long run in a log says how far it is. Under a
// host (host.hpp) the counts go to the host, which shows them its own way, and nothing is drawn.
#include <chrono>
#include <cstdint>
#include <string>

#include "host.hpp"

namespace parley::cli {

class Progress {
 public:
  // `unit`: what is counted ("runs", "simulations").
  Progress(std::uint64_t total, bool enabled, std::string unit = "runs");
  void update(std::uint64_t done);  // cheap: draws at most ten times a second
  void finish();                    // the last line: the count of the last update

 private:
  void draw(std::uint64_t done);
  Host* host_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool enabled_, terminal_;
  std::string unit_;
  double interval_;  // seconds between lines off a terminal
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace parley::cli
