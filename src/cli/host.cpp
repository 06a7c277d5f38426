#include "host.hpp"

#include <string>

#include "commands.hpp"

namespace parley::cli {

namespace {
std::atomic<Host*> g_host{nullptr};
}  // namespace

Host* host() noexcept {
  return g_host.load();
}

void set_host(Host* h) noexcept {
  g_host.store(h);
}

void refuse_rows_beyond_host(std::uint64_t rows) {
  const Host* h = host();
  if (h == nullptr || h->most_rows == 0 || rows <= h->most_rows) return;
  throw UsageError(std::to_string(rows) +
                   " runs: more than are loaded into memory (allowed: at most " +
                   std::to_string(h->most_rows) +
                   "; for more, run the parley program with -o FILE and read the file in slices)");
}

}  // namespace parley::cli
