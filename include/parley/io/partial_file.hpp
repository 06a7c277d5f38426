#pragma once
// Reading back an interrupted run (`<output>.partial`, written by RunsFile::commit_partial)
// so that `parley run --resume` can finish it: what was run, and the finished rows.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parley/engine/run_block.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/io/run_header.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

struct PartialRun {
  StoredHeader header;  // the interrupted run's; header.runs_done runs are finished
  std::string target;   // the output it stands for: its path without ".partial"
};

// Reads what an interrupted run left. Throws InvalidFile, naming the file, when `path` is not
// an incomplete "parley-runs" file with a valid header (read_run_header), or cannot be read or
// is damaged (its finished runs are not the first runs_done).
PartialRun read_partial(const std::string& path);

// The rows of a parley-runs file, read back block by block.
class RunsReader {
 public:
  // The file's sampled parameters are the sampler's columns; the ranges its rows are checked
  // against come from the scenario (durability.horizon, the latest round a deal may break down
  // in; the stages of its agenda; its ceasefire designs).
  RunsReader(const std::string& path, const scenario::Scenario& scenario,
             const engine::Sampler& sampler);
  ~RunsReader();
  RunsReader(const RunsReader&) = delete;
  RunsReader& operator=(const RunsReader&) = delete;

  // `block.count` rows from file row `first_row` on into `block` (already sized).
  void read(engine::RunBlock& block, std::uint64_t first_row);

 private:
  void read_block(engine::RunBlock& block, std::uint64_t first_row);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::io
