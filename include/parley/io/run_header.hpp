#pragma once
// The root attributes of a "parley-runs" or "parley-sweep" file: what was run, and which part
// of it the file holds. RunsFile writes them; run --resume, merge, status and info read them
// back through read_run_header, which checks the filetype, the format version and every count
// before anything else uses them. The attribute names of every file type live in one place,
// src/io/run_header_attributes.hpp (namespace key).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/population.hpp"
#include "parley/engine/study/sweep_design.hpp"
#include "parley/io/provenance.hpp"

namespace parley::io {

inline constexpr const char* kRunsFiletype = "parley-runs";
inline constexpr const char* kSweepFiletype = "parley-sweep";
// MAJOR.MINOR: minor versions only add; a reader refuses another major version.
inline constexpr const char* kFormatVersion = "1.6";

using engine::SweepLayout;

// A file holding part of a larger run: its rows are runs [first, first + rows) of `whole`.
struct ShardOf {
  std::uint64_t first = 0;
  std::uint64_t whole = 0;
  std::string label;  // "K/N" or "A:B", as asked for
};

// What the writer of a runs file decides.
struct RunHeader {
  std::string command_line;
  std::uint64_t seed = 1;
  std::uint64_t rows = 0;            // runs in this file
  std::uint64_t trace_runs = 0;      // runs below this index have their rounds in `trace`
  int compress = 0;                  // deflate level, 0 = off
  std::optional<ShardOf> shard;      // a part of a larger run
  std::optional<SweepLayout> sweep;  // a "parley-sweep" file when set
  // Posterior runs: the population the runs' parameters were drawn from, and where it came
  // from (for people). Stored whole, so that a resume or a merge needs nothing else.
  std::optional<engine::Population> posterior;
  std::string posterior_source;

  // A file of `plan`'s runs, which are runs [plan.first, plan.first + plan.count) of a whole of
  // `whole` runs; a shard (labelled `label`) when labelled or not all of it. The run count is the
  // plan's: it is kept nowhere else.
  static RunHeader of_plan(const engine::RunPlan& plan, std::uint64_t whole,
                           const std::string& label = {});
  std::uint64_t first() const noexcept { return shard ? shard->first : 0; }
  std::uint64_t whole() const noexcept { return shard ? shard->whole : rows; }
  // The plan that computes a plain run file's rows (seed, runs, traced runs).
  engine::RunPlan plan() const noexcept { return {seed, first(), rows, trace_runs}; }
};

// A header read back, with what the file records of itself.
struct StoredHeader : RunHeader, Provenance {
  std::vector<std::string> overrides;  // as given, in order; already in scenario_toml
  bool complete = false;
  std::uint64_t runs_done = 0;  // rows finished (all of them in a complete file)
};

// Reads and checks the header of a runs or sweep file. Throws InvalidFile, naming
// the file and the attribute, when it is not an HDF5 file, not a runs or sweep file, of
// another major format version, or when an attribute is missing, not what it must be
// (counts are whole numbers >= 0) or inconsistent with another (runs_done above runs, a
// shard outside its whole, a sweep layout that does not match its rows).
StoredHeader read_run_header(const std::string& path);

// The first header field in which two files differ that must agree for them to be parts of
// one run (scenario as run, seed, format and Parley version, traced runs, compression,
// sweep layout, posterior population); nothing when they agree.
std::optional<std::string> differs_as_run(const StoredHeader& a, const StoredHeader& b);

// Posterior runs: makes `sampler` draw from the header's population, if it has one. Throws
// InvalidFile, naming the file, when the population does not fit the sampler's scenario.
void use_stored_population(const StoredHeader& header, engine::Sampler& sampler);

// Throws InvalidFile unless `version` is "MAJOR.MINOR" with this Parley's major
// format version (kFormatVersion).
void check_format_version(const std::string& path, const std::string& version);

}  // namespace parley::io
