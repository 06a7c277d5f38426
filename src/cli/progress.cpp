#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace parley::cli {

Progress::Progress(std::uint64_t total, bool enabled)
    : total_(total),
      enabled_(enabled && ::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(std::uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
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
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  std::fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu runs  %.0f runs/s  ETA %.1f s ", bar,
               100.0 * fraction, static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), rate, eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  draw(total_);
  std::fprintf(stderr, "\n");
}

}  // namespace parley::cli
