#pragma once
// The calibrated population that `run --posterior` and `sweep --posterior` draw from.
#include <string>

#include "parley/engine/population.hpp"
#include "parley/engine/sampler.hpp"

namespace parley::cli {

struct PosteriorInput {
  engine::Population population;  // the last generation
  std::string source;             // "POST.h5: generation G of ..." (StoredPosterior::describe)
};

// Reads the posterior file at `path` for posterior runs; UsageError naming the file when it is
// not a valid posterior file, or when its population is larger than a runs file stores (what to
// do: calibrate with fewer particles).
PosteriorInput read_posterior_input(const std::string& path);

// Makes `sampler` draw its parameters from `population` (posterior runs); UsageError naming
// `source` when the population does not fit the scenario, with `hint` appended when not empty.
void apply_posterior(engine::Sampler& sampler, const engine::Population& population,
                     const std::string& source, const std::string& hint = "");

}  // namespace parley::cli
