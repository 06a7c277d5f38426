#pragma once
// SIGINT and SIGTERM while runs are computed: the first one asks the engine to stop
// starting blocks (the runs in flight finish and are kept); a second one ends the process
// at once, as the signal's default would. Under a host (host.hpp) no handler is installed: the
// host's cancel flag is the interruption.
#include <atomic>

#include "host.hpp"

namespace parley::cli {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  const std::atomic<bool>* flag() const noexcept;
  bool interrupted() const noexcept;
  const char* signal_name() const noexcept;  // "SIGINT" or "SIGTERM" once interrupted

 private:
  Host* host_;
};

}  // namespace parley::cli
