#pragma once
// A sweep run: the scenario and sampler of every point, and the runs at a range of points
// reduced to a summary per point.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/study/sweep_design.hpp"
#include "parley/engine/summary.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::engine {

class SweepPoints {
 public:
  // The scenario with a point's overrides (the base's own, then the point's): loaded by the
  // caller, which names the point in what it throws.
  using Load = std::function<scenario::Scenario(std::size_t point,
                                                const std::vector<std::string>& overrides)>;
  // Every point's scenario and sampler, built before anything runs. Throws PlanError when the
  // points sample different parameters (a varied key that is a number at some points only).
  SweepPoints(const SweepLayout& layout, const std::vector<std::string>& base_overrides,
              const Load& load);
  SweepPoints(const SweepPoints&) = delete;
  SweepPoints& operator=(const SweepPoints&) = delete;

  std::size_t size() const noexcept { return scenarios_.size(); }
  const scenario::Scenario& scenario(std::size_t p) const { return scenarios_.at(p); }
  Sampler& sampler(std::size_t p) { return samplers_.at(p); }
  // Points [first, end), as run_points takes them.
  std::vector<Point> range(std::size_t first, std::size_t end) const;

 private:
  std::vector<scenario::Scenario> scenarios_;  // built whole before the samplers that refer to it
  std::vector<Sampler> samplers_;
};

// Runs `points` (consecutive points of a sweep, from plan.first_point) as run_points does,
// handing every block to options.sink first; with `summarise`, returns each point's summary in
// point order (a point cut short by a cancellation is summarised as far as it ran; a shard
// passes false: the merge summarises every point).
std::vector<Summary> run_sweep(const std::vector<Point>& points, const RunPlan& plan,
                               const EngineOptions& options, bool summarise);

}  // namespace parley::engine
