#pragma once
// The "parley-posterior" HDF5 file of `parley calibrate` (docs/model.md, "Calibration"): root
// attributes like a runs file, with the observations as run; group `posterior` with, per
// generation, each parameter's particles (one dataset per parameter, named by its scenario key,
// as in runs files), their weights and distances [generation, particle], and the tolerance,
// acceptance rate and simulations [generation]; group `observations` with what was observed.
#include <string>

#include "parley/engine/study/calibrate.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/io/provenance.hpp"
#include "parley/scenario/observations.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

inline constexpr const char* kPosteriorFiletype = "parley-posterior";

struct PosteriorRun {
  std::string command_line;
  engine::CalibrateOptions options;  // as run (its callbacks are not stored)
  bool complete = true;              // false: interrupted, the generations finished so far
};

// Written to a temporary file and renamed into place. Throws IoError.
void write_posterior_file(const std::string& path, const scenario::Scenario& scenario,
                          const scenario::Observations& observed, const engine::Calibration& c,
                          const PosteriorRun& run, Overwrite overwrite);

// A posterior file read back.
struct StoredPosterior : Provenance {
  std::string observations_toml;
  PosteriorRun run;  // command line, options.seed, particles, quantile, target, ... and complete
  engine::Calibration calibration;  // parameters, generations (at least one), stopped
  // The last generation: the population posterior runs draw from.
  engine::Population population() const;
  // "POST.h5: generation G of the calibration, tolerance ε" (for people).
  std::string describe() const;
};

// Reads and checks a posterior file. Throws InvalidFile, naming the file and what is wrong,
// when it is not an HDF5 file or not a posterior file, of another major format version, its
// texts do not match their checksum, a count is out of range, a dataset has another shape or
// type than the header promises or fails its checksum, or a value is impossible (a weight below
// 0 or weights not summing to 1, a particle value not finite, a distance above its
// generation's tolerance, tolerances that do not fall, an acceptance rate outside [0, 1],
// generation 0 without one simulation per particle).
StoredPosterior read_posterior_file(const std::string& path);

}  // namespace parley::io
