#pragma once
// Counter-based random streams keyed by (seed, run index, purpose).
//
// A run's draws are a pure function of the key, so results do not depend on
// thread count, sharding or the order in which runs are computed. Each purpose
// (one sampled parameter, the battlefield, the mediator's noise...) owns its own
// stream, so an extra draw in one place never shifts the numbers seen elsewhere.
#include <array>
#include <cstdint>
#include <string_view>

namespace parley::random {

// 32-bit FNV-1a hash: the stream id of a named purpose.
constexpr std::uint32_t purpose_id(std::string_view name) noexcept {
  std::uint32_t h = 2166136261u;
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

// Philox4x32-10 (Salmon et al., SC'11) in counter mode. The key is the seed; the
// counter is (block, purpose, run low, run high). Each block gives four 32-bit words.
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t run, std::uint32_t purpose) noexcept;

  std::uint32_t next_u32() noexcept;
  // Uniform on the open interval (0, 1), 53 random bits: never exactly 0 or 1.
  double uniform() noexcept;

 private:
  void refill() noexcept;
  std::array<std::uint32_t, 2> key_{};
  std::array<std::uint32_t, 4> counter_{};
  std::array<std::uint32_t, 4> buffer_{};
  unsigned used_ = 4;
};

}  // namespace parley::random
