// parley solve: the axiomatic solutions of a scenario at its parameters' central values.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/protocol/solve/text_solver.hpp"
#include "parley/scenario/load.hpp"

namespace parley::cli {

namespace po = boost::program_options;
using protocol::Index;
using protocol::Vector;

namespace {

std::string fixed(double v, int precision = 3) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, v);
  return buffer;
}

void print_text_row(const scenario::Scenario& s, const model::Preferences& prefs,
                    const std::string& name, const std::optional<Vector>& x) {
  std::printf("  %-22s", name.c_str());
  if (!x) {
    std::printf(" none\n");
    return;
  }
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    const auto& issue = s.issues[k];
    const double natural = issue.to_natural((*x)(static_cast<Index>(k)));
    // A discrete issue shows its option's name.
    std::printf(" %12s",
                issue.discrete() ? issue.option_at(natural).c_str() : fixed(natural).c_str());
  }
  std::printf("   |");
  for (Index i = 0; i < prefs.agents(); ++i)
    std::printf(" %8s", fixed(model::utility(prefs, i, *x)).c_str());
  std::printf("\n");
}

}  // namespace

int cmd_solve(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley solve FILE — Nash, weighted-Nash and Kalai-Smorodinsky texts, BATNAs and the zone "
      "of agreement at the parameters' central values");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return kExitOk;

  const scenario::Scenario s = scenario::load_scenario_file(*file, overrides(vm));
  const engine::Sampler sampler(s);
  const protocol::Realization& r = sampler.central();
  const protocol::Setting& setting = sampler.setting();
  protocol::Workspace w;
  Vector batna;
  protocol::opening_batnas(setting, r, w, batna);

  std::vector<Index> veto;
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    if (setting.veto[i]) veto.push_back(static_cast<Index>(i));
  }
  const auto n = static_cast<Index>(veto.size());
  Vector d(n), power(n);
  for (Index j = 0; j < n; ++j) {
    d(j) = batna(veto[static_cast<std::size_t>(j)]);
    power(j) = r.power(veto[static_cast<std::size_t>(j)]);
  }

  std::printf(
      "Scenario %s at its parameters' central values, BATNAs at the first round "
      "(front line %s %s)\n\n",
      s.name.c_str(), fixed(s.issues[s.battlefield.issue].to_natural(r.battlefield_start)).c_str(),
      s.issues[s.battlefield.issue].unit.c_str());
  std::printf("  %-12s %-10s %5s %8s\n", "agent", "role", "veto", "BATNA");
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    std::printf("  %-12s %-10s %5s %8s\n", s.agents[i].id.c_str(),
                s.agents[i].role == scenario::Role::mediator ? "mediator" : "party",
                s.agents[i].veto ? "yes" : "no", fixed(batna(static_cast<Index>(i))).c_str());
  }

  protocol::TextSolver solver(sampler.setting(), r.prefs, protocol::feasible_box(r.prefs, veto));
  std::printf("\nZone of agreement of the veto players: ");
  if (solver.box().empty()) {
    std::printf("none: their red lines on %s exclude each other\n",
                s.issues[static_cast<std::size_t>(solver.box().empty_issue)].id.c_str());
  } else {
    const auto m = solver.maximin(veto, d, Vector::Ones(n));
    if (m.value >= 0.0) {
      std::printf("exists; at best every veto player gets %s above its BATNA at once\n",
                  fixed(m.value, 4).c_str());
    } else {
      // The veto player left furthest short at the text that comes closest, and its obstacle.
      Index worst = veto.front();
      double shortfall = -1e300;
      for (Index i : veto) {
        const double gap = batna(i) - model::utility(r.prefs, i, m.x);
        if (gap > shortfall) {
          shortfall = gap;
          worst = i;
        }
      }
      std::printf(
          "none: the closest text leaves %s %s short of its BATNA; the issue that empties "
          "the zone is %s\n",
          s.agents[static_cast<std::size_t>(worst)].id.c_str(), fixed(shortfall, 4).c_str(),
          s.issues[static_cast<std::size_t>(model::principal_obstacle(r.prefs, worst, m.x))]
              .id.c_str());
    }
  }

  std::printf("\n  %-22s", "texts (natural units)");
  for (const auto& issue : s.issues) std::printf(" %12s", issue.id.c_str());
  std::printf("   |");
  for (const auto& a : s.agents) std::printf(" %8s", a.id.c_str());
  std::printf("\n");
  print_text_row(s, r.prefs, "first draft", r.first_draft);
  print_text_row(s, r.prefs, "Nash", solver.nash(veto, d, Vector::Ones(n)));
  print_text_row(s, r.prefs, "weighted Nash (power)", solver.nash(veto, d, power));
  const auto ks = solver.kalai_smorodinsky(veto, d);
  print_text_row(s, r.prefs, "Kalai-Smorodinsky", ks ? std::optional<Vector>(ks->x) : std::nullopt);
  std::printf(
      "\n  Solutions are over the veto players' texts within their red lines, with their "
      "BATNAs as the disagreement point.\n  Solver: %s.\n",
      solver.method().c_str());
  return kExitOk;
}

}  // namespace parley::cli
