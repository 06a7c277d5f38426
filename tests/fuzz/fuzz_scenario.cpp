// libFuzzer target: scenario parsing and validation, then (for small valid scenarios) one
// sampled run, so that whatever the loader accepts is also safe to negotiate.
//
// An input whose first line is "#set KEY=VALUE" (a TOML comment) also applies that override,
// so --set parsing is fuzzed too. Expected outcome for any input: either a ScenarioError
// (bad input, reported), a PlanError from the sampler (two random streams of one id: refused,
// as every command refuses it), or a scenario that samples and runs; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/shards.hpp"
#include "parley/scenario/diagnostics.hpp"
#include "parley/scenario/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  if (text.rfind("#set ", 0) == 0) overrides.push_back(text.substr(5, text.find('\n') - 5));
  try {
    const parley::scenario::Scenario s =
        parley::scenario::load_scenario_text(text, "fuzz.toml", overrides);
    // Running is bounded so that every input stays fast.
    if (s.agents.size() > 8 || s.issues.size() > 8 || s.protocol.max_rounds > 40 ||
        s.protocol.revision_steps > 64) {
      return 0;
    }
    const parley::engine::Sampler sampler(s);
    parley::engine::RunBlock block;
    block.resize(1, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
    parley::engine::compute_run(s, sampler, 1, 0, block, 0);
  } catch (const parley::scenario::ScenarioError&) {
    // Bad input, reported with its location: the expected outcome.
  } catch (const parley::engine::PlanError&) {
    // A scenario the sampler refuses (colliding stream ids), as every command does.
  }
  return 0;
}
