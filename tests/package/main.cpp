// Runs a scenario through the installed Parley engine and prints P(agreement) as
// `parley run` does, so that the two can be compared.
#include <cstdio>
#include <cstdlib>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/scenario/load.hpp"
#include "parley/version.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: downstream SCENARIO RUNS SEED\n");
    return 2;
  }
  const auto s = parley::scenario::load_scenario_file(argv[1]);
  parley::engine::Sampler sampler(s);
  const std::uint64_t runs = std::strtoull(argv[2], nullptr, 10);
  std::uint64_t deals = 0;
  parley::engine::EngineOptions options;
  options.threads = 2;
  options.sink = [&](const parley::engine::RunBlock& b) {
    for (std::size_t row = 0; row < b.count; ++row) deals += b.agreement[row] == 1;
  };
  parley::engine::run_plan(s, sampler, {std::strtoull(argv[3], nullptr, 10), 0, runs}, options);
  std::printf("Parley %s: P(agreement) %.4f\n", parley::kVersion,
              static_cast<double>(deals) / static_cast<double>(runs));
  return 0;
}
