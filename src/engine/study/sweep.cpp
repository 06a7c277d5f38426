#include "parley/engine/study/sweep.hpp"

#include <optional>

#include "parley/engine/shards.hpp"

namespace parley::engine {

SweepPoints::SweepPoints(const SweepLayout& layout, const std::vector<std::string>& base_overrides,
                         const Load& load) {
  for (std::size_t p = 0; p < layout.points.size(); ++p) {
    std::vector<std::string> o = base_overrides;
    for (auto& v : point_overrides(layout, p)) o.push_back(std::move(v));
    scenarios_.push_back(load(p, o));
  }
  samplers_.reserve(scenarios_.size());
  for (const auto& s : scenarios_) samplers_.emplace_back(s);
  // Common random numbers need the same sampled parameters, in the same order, at every point.
  if (samplers_.empty()) return;
  std::vector<std::string> first;
  for (const auto& c : samplers_.front().columns()) first.push_back(c.key);
  for (const auto& sampler : samplers_) {
    std::vector<std::string> keys;
    for (const auto& c : sampler.columns()) keys.push_back(c.key);
    if (keys != first)
      throw PlanError(
          "the points sample different parameters; vary keys that are numbers at every point");
  }
}

std::vector<Point> SweepPoints::range(std::size_t first, std::size_t end) const {
  std::vector<Point> points;
  for (std::size_t p = first; p < end; ++p) points.push_back({&scenarios_[p], &samplers_[p]});
  return points;
}

std::vector<Summary> run_sweep(const std::vector<Point>& points, const RunPlan& plan,
                               const EngineOptions& options, bool summarise) {
  std::vector<Summary> per_point;
  std::optional<SummaryBuilder> current;
  EngineOptions each = options;
  each.sink = [&](const RunBlock& block) {
    if (options.sink) options.sink(block);
    if (!summarise) return;
    const std::size_t p = block.point - plan.first_point;
    if (p != per_point.size()) {  // a new point: the previous one is complete
      per_point.push_back(current->finish());
      current.reset();
    }
    if (!current) current.emplace(*points.at(p).scenario);
    current->add(block);
  };
  run_points(points, plan, each);
  if (current) per_point.push_back(current->finish());
  return per_point;
}

}  // namespace parley::engine
