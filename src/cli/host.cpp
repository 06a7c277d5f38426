#include "host.hpp"

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

}  // namespace parley::cli
