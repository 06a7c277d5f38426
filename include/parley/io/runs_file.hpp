#pragma once
// The "parley-runs" HDF5 file: root attributes describing the run, group `runs`
// (one row per run, dimension scales run/agent/issue), group `summary`.
// Written to a temporary file in blocks of runs and renamed into place by commit().
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parley/engine/run_block.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/sensitivity.hpp"
#include "parley/engine/summary.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

inline constexpr const char* kRunsFiletype = "parley-runs";
inline constexpr const char* kSweepFiletype = "parley-sweep";
inline constexpr const char* kFormatVersion = "1.0";

// The layout of a sweep: which keys vary, and their values at each point.
struct SweepLayout {
  std::vector<std::string> keys;            // the varied scenario keys, in order
  std::string design;                       // "factorial" or "lhs"
  std::vector<std::vector<double>> axes;    // factorial: each key's values (first key slowest)
  std::vector<std::vector<double>> points;  // [point][key]
  std::uint64_t runs_per_point = 0;
};

struct RunsFileOptions {
  std::string command_line;
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;        // rows in this file
  std::uint64_t first_run = 0;   // a shard: the run index of its first row
  std::uint64_t runs_total = 0;  // a shard: the runs of the whole (0: not a shard)
  std::string shard;             // a shard: "K/N" or "A:B", as asked for
  int compress = 0;              // deflate level, 0 = off
  std::uint64_t trace_runs = 0;  // runs below this index have their rounds in `trace`
  Overwrite overwrite = Overwrite::refuse;
  std::optional<SweepLayout> sweep;  // a "parley-sweep" file when set
};

class RunsFile {
 public:
  // Creates the temporary file and the layout. Throws IoError.
  RunsFile(const std::string& path, const scenario::Scenario& scenario,
           const std::vector<engine::SampledColumn>& columns, const RunsFileOptions& options);
  ~RunsFile();  // without commit(): the temporary file is removed
  RunsFile(const RunsFile&) = delete;
  RunsFile& operator=(const RunsFile&) = delete;

  // Rows [block.first, block.first + block.count), in run order.
  void write(const engine::RunBlock& block);
  // Writes the rows still buffered.
  void flush();
  // Seconds spent so far in write() and flush(): the cost of the output.
  double write_seconds() const noexcept;
  void write_summary(const engine::Summary& summary);
  // A sweep's grid/ group: per-point aggregates on labelled dimensions (after all rows).
  void write_grid(const std::vector<engine::Summary>& per_point);
  // Spearman correlations in summary/ (after write_summary): spearman [parameter, target].
  void write_sensitivity(const engine::Sensitivity& sensitivity);
  // Marks the file complete, closes it and renames it into place.
  void commit();
  // For an interrupted run: marks the file incomplete (`complete` = 0) with `done` runs
  // finished (each row has its `done` flag), closes it and renames it to
  // `<output>.partial`, replacing an older one. Returns that name.
  std::string commit_partial(std::uint64_t done);

  // Rows per chunk (and per HDF5 write): at most 1 MiB per chunk.
  std::size_t chunk_rows() const noexcept;

 private:
  void write_trace();
  void close(std::int64_t complete, std::uint64_t done);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::io
