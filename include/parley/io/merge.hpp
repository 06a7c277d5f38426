#pragma once
// Joining the files of one run's shards (parley run --shard K/N or -n A:B, parley sweep
// --shard K/N, MPI ranks) into the file the unsharded run writes, bit for bit.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "parley/engine/summary.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/io/run_header.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

struct Merged {
  scenario::Scenario scenario;             // as run
  std::optional<engine::Summary> summary;  // a plain run's (a sweep's are per point, in grid/)
  std::size_t points = 0;                  // a sweep's points
};

// Writes `output` from `shards` (their headers, read with read_run_header), in any order.
// Throws engine::PlanError when they are not complete shards of one run (same scenario as
// run, seed, format and Parley version, traced runs, compression, sweep layout) that hold
// each of its runs exactly once, or when a sweep point is split between shards; IoError
// when reading or writing fails. `progress` is told the runs merged so far.
Merged merge_shards(const std::string& output, const std::vector<StoredHeader>& shards,
                    const std::string& command_line, Overwrite overwrite,
                    const std::function<void(std::uint64_t)>& progress = {});

// What merge_shards checks before it writes, without writing: the shards as above, the
// scenario as run (it must load), and each plain shard's datasets (their shapes and types, as
// many rows as its header says, every index and flag in range). Throws as merge_shards does;
// `parley status` calls it, so that "ready to merge" means merge will accept them.
void check_mergeable(const std::vector<StoredHeader>& shards);

}  // namespace parley::io
