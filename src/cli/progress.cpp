#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace parley::cli {

namespace {

double interval_from_environment() {
  const char* text = std::getenv("PARLEY_PROGRESS_SECONDS");
  if (!text || !*text) return 10.0;
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  return (end && *end == '\0' && v > 0.0 && v < 1e6) ? v : 10.0;
}

}  // namespace

Progress::Progress(std::uint64_t total, bool enabled, std::string unit)
    : host_(host()),
      total_(total),
      enabled_(enabled && !host_),
      terminal_(::isatty(STDERR_FILENO) != 0),
      unit_(std::move(unit)),
      interval_(interval_from_environment()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  if (host_) {
    host_->total.store(total_);
    host_->done.store(0);
  }
}

void Progress::update(std::uint64_t done) {
  done_ = done;
  if (host_) {
    host_->total.store(total_);
    host_->done.store(done);
  }
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto every =
      terminal_ ? std::chrono::duration<double>(0.1) : std::chrono::duration<double>(interval_);
  if (now - last_draw_ < every) return;
  last_draw_ = now;
  draw(done);
}

void Progress::draw(std::uint64_t done) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction =
      total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  drawn_ = true;
  if (!terminal_) {
    std::fprintf(stderr, "parley: %llu/%llu %s (%.1f%%), %.0f %s/s, elapsed %.1f s, ETA %.1f s\n",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 unit_.c_str(), 100.0 * fraction, rate, unit_.c_str(), elapsed, eta);
    std::fflush(stderr);
    return;
  }
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  std::fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu %s  %.0f %s/s  elapsed %.1f s  ETA %.1f s ", bar,
               100.0 * fraction, static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), unit_.c_str(), rate, unit_.c_str(), elapsed,
               eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (host_) host_->total.store(total_);
  if (!enabled_) return;
  // Off a terminal, the last line only after a run long enough to have had one. It counts what
  // was done: all of it, or what an interruption left finished.
  if (!terminal_ && !drawn_) return;
  draw(done_);
  if (terminal_) std::fprintf(stderr, "\n");
}

}  // namespace parley::cli
