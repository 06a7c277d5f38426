#pragma once
// A program that runs Parley's commands in its own process (the Python module) instead of the
// `parley` executable. While a host is set, the commands take their interruption from the host's
// cancel flag instead of installing SIGINT/SIGTERM handlers (the host keeps its own, such as
// Python's KeyboardInterrupt), and report their progress to it instead of drawing on stderr.
// One command at a time per process.
#include <atomic>
#include <cstdint>

namespace parley::cli {

struct Host {
  std::atomic<bool> cancel{false};     // set by the host: stop as SIGINT would
  std::atomic<std::uint64_t> done{0};  // progress, written by the running command
  std::atomic<std::uint64_t> total{0};
  // The most rows (runs) a file written for the host may hold, 0 for no bound: a host that
  // loads the file whole into memory refuses, before anything runs, what it could not load.
  std::uint64_t most_rows = 0;
};

// The host of the commands now running, or nullptr in the `parley` program.
Host* host() noexcept;
// Sets (or, with nullptr, clears) the host; the caller keeps `h` alive until it clears it.
void set_host(Host* h) noexcept;
// UsageError when a host is set with a bound on rows and `rows` passes it.
void refuse_rows_beyond_host(std::uint64_t rows);

}  // namespace parley::cli
