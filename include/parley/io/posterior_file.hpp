#pragma once
// The "parley-posterior" HDF5 file of `parley calibrate` (docs/model.md, "Calibration"): root
// attributes like a runs file, with the observations as run; group `posterior` with, per
// generation, each parameter's particles (one dataset per parameter, named by its scenario key,
// as in runs files), their weights and distances [generation, particle], and the tolerance,
// acceptance rate and simulations [generation]; group `observations` with what was observed.
#include <string>

#include "parley/engine/calibrate.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/scenario/observations.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

inline constexpr const char* kPosteriorFiletype = "parley-posterior";

struct PosteriorRun {
  std::string command_line;
  std::uint64_t seed = 1;
  std::size_t particles = 0;
  bool complete = true;  // false: interrupted, the generations finished so far
};

// Written to a temporary file and renamed into place. Throws IoError.
void write_posterior_file(const std::string& path, const scenario::Scenario& scenario,
                          const scenario::Observations& observed, const engine::Calibration& c,
                          const PosteriorRun& run, Overwrite overwrite);

}  // namespace parley::io
