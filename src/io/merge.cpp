#include "parley/io/merge.hpp"

#include <algorithm>
#include <chrono>

#include "parley/engine/engine.hpp"
#include "parley/engine/shards.hpp"
#include "parley/engine/study/sensitivity.hpp"
#include "parley/io/partial_file.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/io/stored_runs.hpp"
#include "parley/scenario/load.hpp"

namespace parley::io {

namespace {

using engine::PlanError;

engine::Span span(const StoredHeader& h) {
  return {h.first(), h.first() + h.rows};
}

// Shards of one run, complete, holding each of its runs exactly once; returned in run order,
// with the runs of the whole in `total` (a -n A:B shard knows only its own end).
std::vector<const StoredHeader*> check_shards(const std::vector<StoredHeader>& shards,
                                              std::uint64_t& total) {
  if (shards.empty()) throw PlanError("give the output file and the shards");
  for (const StoredHeader& s : shards) {
    if (!s.complete) {
      throw PlanError(s.path +
                      ": an incomplete shard (finish it with parley run --resume, or run it "
                      "again)");
    }
  }
  const StoredHeader& a = shards.front();
  for (const StoredHeader& b : shards) {
    if (const auto field = differs_as_run(a, b)) {
      throw PlanError(b.path + ": not a shard of the same run as " + a.path + " (its " + *field +
                      " differs; allowed: shards of one scenario, seed and Parley version)");
    }
  }
  std::vector<engine::Span> held;
  std::uint64_t whole = 0;
  for (const StoredHeader& s : shards) {
    held.push_back(span(s));
    whole = std::max(whole, s.whole());
  }
  const engine::Coverage c = engine::coverage(held, whole);
  if (!c.exact()) {
    std::string problem;
    if (!c.gaps.empty()) problem += "no shard holds runs " + engine::ranges(c.gaps);
    if (!c.overlaps.empty()) {
      problem += (problem.empty() ? "" : "; ") + std::string("more than one shard holds runs ") +
                 engine::ranges(c.overlaps);
    }
    throw PlanError("the shards do not cover runs 0:" + std::to_string(c.total) +
                    " exactly once: " + problem);
  }
  total = c.total;
  std::vector<const StoredHeader*> order;
  for (const StoredHeader& s : shards) order.push_back(&s);
  std::sort(order.begin(), order.end(),
            [](const StoredHeader* x, const StoredHeader* y) { return x->first() < y->first(); });
  return order;
}

// A sweep's shards hold whole points: point p's rows [p R, (p + 1) R) in one shard. Each
// point's scenario is the sweep's base with the point's values (as parley sweep builds it),
// its runs go through that point's summary, and the grid is written from every point.
void merge_sweep(const std::string& output, const std::vector<const StoredHeader*>& order,
                 std::uint64_t total, Merged& merged, const std::string& command_line,
                 Overwrite overwrite, const std::function<void(std::uint64_t)>& progress) {
  const StoredHeader& head = *order.front();
  const SweepLayout& layout = *head.sweep;
  const std::uint64_t per_point = layout.runs_per_point;
  const scenario::Scenario& base = merged.scenario;
  engine::Sampler sampler(base);
  use_stored_population(head, sampler);
  RunHeader header;
  header.command_line = command_line;
  header.seed = head.seed;
  header.rows = total;
  header.compress = head.compress;
  header.sweep = layout;
  header.posterior = head.posterior;
  header.posterior_source = head.posterior_source;
  RunsFile out(output, base, sampler.columns(), header, overwrite);
  std::vector<engine::Summary> grid;
  std::uint64_t done = 0;
  for (std::size_t p = 0; p < layout.points.size(); ++p) {
    const std::uint64_t row = p * per_point;
    const auto holder = std::find_if(order.begin(), order.end(), [&](const StoredHeader* s) {
      return s->first() <= row && row + per_point <= s->first() + s->rows;
    });
    if (holder == order.end()) {
      throw PlanError("no shard holds all of point " + std::to_string(p) +
                      " (allowed: shards of parley sweep --shard K/N)");
    }
    const scenario::Scenario point =
        scenario::load_scenario_text(base.toml_text, head.path, engine::point_overrides(layout, p));
    engine::SummaryBuilder summary(point);
    replay_stored(point, sampler,
                  {(*holder)->path, row - (*holder)->first(), 0, per_point, header.seed, 0, p},
                  engine::EngineOptions{}.block_runs, [&](const engine::RunBlock& b) {
                    out.write(b);
                    summary.add(b);
                    done += b.count;
                    if (progress) progress(done);
                  });
    grid.push_back(summary.finish());
  }
  out.write_grid(grid);
  out.commit();
  merged.points = layout.points.size();
}

}  // namespace

void check_mergeable(const std::vector<StoredHeader>& shards) {
  std::uint64_t total = 0;
  const std::vector<const StoredHeader*> order = check_shards(shards, total);
  const StoredHeader& head = *order.front();
  const scenario::Scenario s = scenario::load_scenario_text(head.scenario_toml, head.path, {});
  const engine::Sampler sampler(s);
  for (const StoredHeader* shard : order) {
    if (shard->sweep) continue;  // a sweep's points are other scenarios: merge reads them
    RunsReader reader(shard->path, s, sampler);
    engine::RunBlock block;
    constexpr std::uint64_t kRows = 4096;
    for (std::uint64_t row = 0; row < shard->rows; row += kRows) {
      block.resize(static_cast<std::size_t>(std::min(kRows, shard->rows - row)), s.agents.size(),
                   s.issues.size(), sampler.columns().size(), s.shocks.size());
      reader.read(block, row);
    }
  }
}

Merged merge_shards(const std::string& output, const std::vector<StoredHeader>& shards,
                    const std::string& command_line, Overwrite overwrite,
                    const std::function<void(std::uint64_t)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t total = 0;
  const std::vector<const StoredHeader*> order = check_shards(shards, total);
  const StoredHeader& head = *order.front();
  // The scenario exactly as run (the overrides are already merged into its text).
  Merged merged{scenario::load_scenario_text(head.scenario_toml, head.path, {}), {}, 0};
  merged.scenario.overrides = head.overrides;
  if (head.sweep) {
    merge_sweep(output, order, total, merged, command_line, overwrite, progress);
    return merged;
  }
  const scenario::Scenario& s = merged.scenario;
  engine::Sampler sampler(s);
  use_stored_population(head, sampler);
  RunHeader header = RunHeader::of_plan({head.seed, 0, total, head.trace_runs}, total);
  header.command_line = command_line;
  header.compress = head.compress;
  header.posterior = head.posterior;
  header.posterior_source = head.posterior_source;
  RunsFile out(output, s, sampler.columns(), header, overwrite);
  engine::SummaryBuilder summary(s);
  std::vector<std::string> issue_ids;
  for (const auto& issue : s.issues) issue_ids.push_back(issue.id);
  engine::SensitivityBuilder sensitivity(sampler.columns().size(), issue_ids);
  std::uint64_t done = 0;
  for (const StoredHeader* shard : order) {
    replay_stored(s, sampler,
                  {shard->path, 0, shard->first(), shard->rows, header.seed, header.trace_runs, 0},
                  engine::EngineOptions{}.block_runs, [&](const engine::RunBlock& b) {
                    out.write(b);
                    summary.add(b);
                    sensitivity.add(b);
                    done += b.count;
                    if (progress) progress(done);
                  });
  }
  engine::Summary result = summary.finish();
  out.flush();
  result.write_seconds = out.write_seconds();
  // The merge's own time and rate (reading the shards back and writing the file).
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.runs_per_second =
      result.wall_seconds > 0 ? static_cast<double>(result.runs) / result.wall_seconds : 0.0;
  out.write_summary(result);
  out.write_sensitivity(sensitivity.finish());
  out.commit();
  merged.summary = result;
  return merged;
}

}  // namespace parley::io
