#pragma once
// The "parley-runs" HDF5 file: root attributes describing the run, group `runs`
// (one row per run, dimension scales run/agent/issue), group `summary`.
// Written to a temporary file in blocks of runs and renamed into place by commit().
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parley/engine/run_block.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/study/sensitivity.hpp"
#include "parley/engine/summary.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/io/run_header.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

class RunsFile {
 public:
  // Creates the temporary file, its header and the layout of `header.rows` rows (a
  // "parley-sweep" file when `header.sweep` is set). Throws IoError.
  RunsFile(const std::string& path, const scenario::Scenario& scenario,
           const std::vector<engine::SampledColumn>& columns, const RunHeader& header,
           Overwrite overwrite);
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
  void close(bool complete, std::uint64_t done);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::io
