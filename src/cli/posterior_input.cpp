#include "posterior_input.hpp"

#include <stdexcept>

#include "commands.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/posterior_file.hpp"

namespace parley::cli {

PosteriorInput read_posterior_input(const std::string& path) {
  PosteriorInput in;
  try {
    const io::StoredPosterior post = io::read_posterior_file(path);
    in.population = post.population();
    in.source = post.describe();
  } catch (const io::InvalidFile& e) {
    throw UsageError(std::string("--posterior: ") + e.what());
  }
  const std::uint64_t most = engine::most_particles(in.population.parameters);
  if (in.population.size() > most) {
    throw UsageError("--posterior: " + path + ": its " + std::to_string(in.population.size()) +
                     " particles of " + std::to_string(in.population.parameters.size()) +
                     " parameters are more than a runs file stores with its runs" +
                     " (allowed: at most " + std::to_string(most) +
                     "; calibrate again with that many --particles or fewer)");
  }
  return in;
}

void apply_posterior(engine::Sampler& sampler, const engine::Population& population,
                     const std::string& source, const std::string& hint) {
  try {
    sampler.use_population(population);
  } catch (const std::invalid_argument& e) {
    throw UsageError(source + ": " + e.what() + (hint.empty() ? "" : " (" + hint + ")"));
  }
}

}  // namespace parley::cli
