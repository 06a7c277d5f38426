#include "interrupt.hpp"

#include <csignal>

#include "host.hpp"

namespace parley::cli {

namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
struct sigaction g_old_int, g_old_term;

extern "C" void on_signal(int signal) {
  // Async-signal-safe: lock-free atomics only. SA_RESETHAND restores the default action,
  // so a second signal ends the process.
  g_signal.store(signal);
  g_interrupted.store(true);
}

}  // namespace

InterruptGuard::InterruptGuard() : host_(host()) {
  g_interrupted.store(false);
  g_signal.store(0);
  if (host_) return;  // the host's cancel flag replaces the signals
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = static_cast<int>(SA_RESETHAND | SA_RESTART);
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  if (host_) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<bool>* InterruptGuard::flag() const noexcept {
  return host_ ? &host_->cancel : &g_interrupted;
}

bool InterruptGuard::interrupted() const noexcept {
  return flag()->load();
}

const char* InterruptGuard::signal_name() const noexcept {
  if (host_) return "the host (KeyboardInterrupt)";
  return g_signal.load() == SIGTERM ? "SIGTERM" : "SIGINT";
}

}  // namespace parley::cli
