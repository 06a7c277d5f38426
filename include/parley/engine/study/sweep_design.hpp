#pragma once
// The points of a sweep: a full factorial grid or a Latin hypercube over scenario keys, and
// the overrides that turn the base scenario into each point's.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parley::engine {

// One varied key, as --vary or a scenario's [sweep] table gives it.
struct Vary {
  std::string key;
  std::vector<double> values;  // a list, or LO:HI:N expanded (both ends included); for levels,
                               // their indices 0, 1, ...
  double lo = 0.0, hi = 0.0;   // a range LO:HI, for a Latin hypercube
  bool range = false;
  // Levels: a list with any value that is not a number (a word, true/false, an [array] or an
  // {inline table}: protocol.kind=mediated,alternating), each as TOML text; empty for numbers.
  std::vector<std::string> levels;
};

// Why `key` cannot be a varied key (the [run] and [sweep] tables hold the sweep's own settings,
// the same at every point), or nothing when it can be one.
std::optional<std::string> varied_key_problem(const std::string& key);

// KEY=LO:HI:N, KEY=LO:HI or KEY=A,B,C, where A, B, C are numbers or else levels (commas and
// colons inside brackets, braces and quotes are the levels' own). Throws PlanError naming the
// spec.
Vary parse_vary(const std::string& spec);

// The layout of a sweep: which keys vary, and their values at each point.
struct SweepLayout {
  std::vector<std::string> keys;            // the varied scenario keys, in order
  std::string design;                       // "factorial", "lhs" or "list" (a design file)
  std::vector<std::vector<double>> axes;    // factorial: each key's values (first key slowest)
  std::vector<std::vector<double>> points;  // [point][key]; a level's index for a key of levels
  std::uint64_t runs_per_point = 0;
  // Per key (or empty when no key has levels): its levels as TOML text, empty for a key of
  // numbers.
  std::vector<std::vector<std::string>> levels;

  bool has_levels(std::size_t key) const { return key < levels.size() && !levels[key].empty(); }
  // Key j's value at point p as a scenario value: its level, or the number exact (%.17g).
  std::string value_text(std::size_t p, std::size_t j) const;
  // The same for people: its level, or the number to 6 significant digits.
  std::string label(std::size_t p, std::size_t j) const;

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
// then one row per point, comma-separated (a field in double quotes may hold commas; "" is a
// quote); blank lines and lines starting with '#' are skipped. A column with any value that is
// not a number is a key of levels, in the order they first appear. Design "list". Throws
// PlanError as "SOURCE:LINE:COLUMN: what (allowed: ...)".
// `places`, when given, receives the (line, column) in the file of each key of the header (row
// 0) and of each point's fields (row p + 1), for errors found later in a point's keys and values.
using FieldPlaces = std::vector<std::vector<std::pair<std::size_t, std::size_t>>>;
SweepLayout design_from_csv(const std::string& text, const std::string& source,
                            FieldPlaces* places = nullptr);

// Point p's overrides, KEY=VALUE with VALUE as value_text(), to follow the base's own.
std::vector<std::string> point_overrides(const SweepLayout& layout, std::size_t p);

}  // namespace parley::engine
