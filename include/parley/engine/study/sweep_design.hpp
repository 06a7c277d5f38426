#pragma once
// The points of a sweep: a full factorial grid or a Latin hypercube over scenario keys, and
// the overrides that turn the base scenario into each point's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::engine {

// One varied key, as --vary or a scenario's [sweep] table gives it.
struct Vary {
  std::string key;
  std::vector<double> values;  // a list, or LO:HI:N expanded (both ends included)
  double lo = 0.0, hi = 0.0;   // a range LO:HI, for a Latin hypercube
  bool range = false;
};

// Why `key` cannot be a varied key (the [run] and [sweep] tables hold the sweep's own settings,
// the same at every point), or nothing when it can be one.
std::optional<std::string> varied_key_problem(const std::string& key);

// KEY=LO:HI:N, KEY=LO:HI or KEY=A,B,C. Throws PlanError naming the spec.
Vary parse_vary(const std::string& spec);

// The layout of a sweep: which keys vary, and their values at each point.
struct SweepLayout {
  std::vector<std::string> keys;            // the varied scenario keys, in order
  std::string design;                       // "factorial", "lhs" or "list" (a design file)
  std::vector<std::vector<double>> axes;    // factorial: each key's values (first key slowest)
  std::vector<std::vector<double>> points;  // [point][key]
  std::uint64_t runs_per_point = 0;

  bool operator==(const SweepLayout&) const = default;
};

// The most points a sweep holds: every point keeps its scenario and sampler in memory (about
// 100 KB for the default scenario, so 1 GB at the limit) and costs about 10 ms to set up.
inline constexpr std::uint64_t kMostSweepPoints = 10000;

// The points of `design` ("factorial": every combination of the keys' values, the first
// key varying slowest; "lhs": `lhs_points` points, one stratum of each key's range per point,
// strata shuffled by a stream keyed by (seed, 0, "sweep.lhs.KEY")). Throws PlanError.
SweepLayout design_sweep(const std::vector<Vary>& varies, const std::string& design, int lhs_points,
                         std::uint64_t seed);

// An external design (SALib, Morris, a colleague's list) as CSV text: a header of scenario keys,
// then one row of numbers per point, comma-separated; blank lines and lines starting with '#'
// are skipped. Design "list". Throws PlanError as "SOURCE:LINE:COLUMN: what (allowed: ...)".
SweepLayout design_from_csv(const std::string& text, const std::string& source);

// Point p's overrides, KEY=VALUE with VALUE exact (%.17g), to follow the base's own.
std::vector<std::string> point_overrides(const SweepLayout& layout, std::size_t p);

}  // namespace parley::engine
