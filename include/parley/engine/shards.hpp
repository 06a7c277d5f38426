#pragma once
// Which runs a job computes, and whether a set of files holds a run exactly once: the
// arithmetic behind --shard K/N, -n A:B, MPI ranks, parley merge and parley status.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace parley::engine {

// A plan that cannot be carried out as asked (more shards than runs, a bad --vary): the
// command line's fault, reported as such.
class PlanError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Runs (or points) [first, end).
struct Span {
  std::uint64_t first = 0, end = 0;
  bool operator==(const Span&) const = default;
};

// Shard k of n (1-based) of `total` items: [(k - 1) total / n, k total / n). The shards of
// one n are disjoint and cover [0, total); each is non-empty when n <= total.
Span shard_slice(std::uint64_t k, std::uint64_t n, std::uint64_t total);

// "K/N" with 1 <= K <= N; nothing otherwise.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_shard_label(const std::string& text);

// The runs one job computes, out of a whole run of `whole`.
struct Selection {
  Span runs;
  std::uint64_t whole = 0;
  std::string label;        // "K/N", "A:B", or "" for the whole run
  std::string file_suffix;  // ".shard-K-of-N", ".runs-A-B", or ""
  bool partial() const noexcept { return !label.empty(); }
};
Selection select_all(std::uint64_t whole);
// Shard k of n; throws PlanError when n exceeds the whole (some shard would be empty).
Selection select_shard(std::uint64_t k, std::uint64_t n, std::uint64_t whole,
                       const std::string& unit = "runs");
// Runs a to b-1 of a whole that is not known here (it is taken as b).
Selection select_range(std::uint64_t a, std::uint64_t b);

// How a set of spans covers [0, total): what none holds and what more than one holds.
struct Coverage {
  std::uint64_t total = 0;
  std::vector<Span> gaps, overlaps;
  bool exact() const noexcept { return gaps.empty() && overlaps.empty(); }
};
// `total` is the whole as the files state it; a span reaching further extends it.
Coverage coverage(std::vector<Span> held, std::uint64_t total);
// "A:B, C:D".
std::string ranges(const std::vector<Span>& spans);

// The K/N shards not among `present` (labels of the complete shards held); those labels
// that are not K/N are ignored. Nothing when none of them is a K/N shard.
struct MissingShards {
  std::uint64_t of = 0;
  // The missing shard numbers as inclusive ranges [first, last], in order (a run of 10^9 shards
  // with one present is two ranges, not a list of 10^9 numbers).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;
  // "2 4-7 9", as Slurm's --array takes it once spaces become commas.
  std::string text() const;
};
std::optional<MissingShards> missing_shards(const std::vector<std::string>& present);

}  // namespace parley::engine
