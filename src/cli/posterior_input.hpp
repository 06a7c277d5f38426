#pragma once
// The calibrated population that `run --posterior` and `sweep --posterior` draw from.
#include <string>

#include "parley/engine/population.hpp"

namespace parley::cli {

struct PosteriorInput {
  engine::Population population;  // the last generation
  std::string source;             // "POST.h5: generation G of ..." (StoredPosterior::describe)
};

// Reads the posterior file at `path` for posterior runs; UsageError naming the file when it is
// not a valid posterior file, or when its population is larger than a runs file stores (what to
// do: calibrate with fewer particles).
PosteriorInput read_posterior_input(const std::string& path);

}  // namespace parley::cli
