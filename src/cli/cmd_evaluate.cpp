// parley evaluate: each agent's view of a given text at the parameters' central values.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/scenario/load.hpp"
#include "parley/scenario/text.hpp"

namespace parley::cli {

namespace po = boost::program_options;
using protocol::Index;
using protocol::Vector;

int cmd_evaluate(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley evaluate FILE --text ISSUE=VALUE ... | --text-file F — each agent's utility, BATNA "
      "and answer for a text, and its verdict point by point (issues not given take the first "
      "draft's value)");
  auto add = visible.add_options();
  add("text", po::value<std::vector<std::string>>()->composing(),
      "ISSUE=VALUE, natural units (repeatable)");
  add("text-file", po::value<std::string>(), "a TOML file of issue = value lines");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return kExitOk;
  const scenario::Scenario s = scenario::load_scenario_file(*file, overrides(vm));

  scenario::TextSpec text(s.issues.size());
  if (vm.count("text-file")) text = scenario::read_text_file(vm["text-file"].as<std::string>(), s);
  if (vm.count("text")) {
    for (const auto& assignment : vm["text"].as<std::vector<std::string>>()) {
      scenario::apply_text_assignment(assignment, s, text);
    }
  }
  if (!vm.count("text") && !vm.count("text-file"))
    throw UsageError("give the text with --text or --text-file");

  const engine::Sampler sampler(s);
  const protocol::Realization& r = sampler.central();
  Vector x = r.first_draft;
  std::printf("Text (natural units)\n");
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    const auto kk = static_cast<Index>(k);
    if (text[k]) x(kk) = s.issues[k].to_unit(*text[k]);
    const auto& issue = s.issues[k];
    if (issue.discrete()) {
      std::printf("  %-14s %10s %-6s%s\n", issue.id.c_str(),
                  issue.option_at(issue.to_natural(x(kk))).c_str(), "",
                  text[k] ? "" : "  (first draft)");
      continue;
    }
    std::printf("  %-14s %10.4g %-6s%s\n", issue.id.c_str(), issue.to_natural(x(kk)),
                issue.unit.c_str(), text[k] ? "" : "  (first draft)");
  }

  protocol::Workspace w;
  Vector batna;
  protocol::opening_batnas(sampler.setting(), r, w, batna);
  std::printf("\nAt the parameters' central values, BATNAs at the first round:\n");
  std::printf("  %-12s %5s %8s %8s %8s  %-8s %s\n", "agent", "veto", "utility", "BATNA", "demand",
              "answer", "hurts most");
  const protocol::Setting& setting = sampler.setting();
  bool all_veto_accept = true;
  std::string refusing;  // the agents whose consent the text needs and who reject it
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const auto ii = static_cast<Index>(i);
    const double u = model::utility(r.prefs, ii, x);
    const double crossed = model::red_line_excess(r.prefs, ii, x);
    // Its demand: the BATNA, or the aspiration as set where it is higher.
    const double demand = model::demand(batna(ii), r.aspiration(ii));
    const bool accepts = u >= demand && crossed == 0.0;
    const bool needed = setting.needs_consent(i, x, r.status_quo);
    if (needed && !accepts) {
      all_veto_accept = false;
      refusing += (refusing.empty() ? "" : ", ") + s.agents[i].id;
    }
    const auto k = static_cast<std::size_t>(model::principal_obstacle(r.prefs, ii, x));
    std::printf("  %-12s %5s %8.4f %8.4f %8.4f  %-8s %s%s\n", s.agents[i].id.c_str(),
                needed                  ? "yes"
                : setting.issue_veto(i) ? "n/a"
                                        : "no",
                u, batna(ii), demand, accepts ? "accepts" : "rejects", s.issues[k].id.c_str(),
                crossed > 0.0 ? " (red line crossed)" : "");
  }
  // Point by point: an agent accepts a point that lies inside its red line and leaves it no
  // worse on that issue than the war's status quo (the front line where the battlefield is):
  // x_war as batnas() set it for the first round.
  const Vector& war = w.x_war;
  std::printf(
      "\nPoint by point (accepts: inside its red line and no worse than the war's status "
      "quo on that issue)\n  %-12s",
      "agent");
  for (const auto& issue : s.issues) std::printf(" %11.11s", issue.id.c_str());
  std::printf("  %s\n", "points accepted");
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const auto ii = static_cast<Index>(i);
    std::printf("  %-12s", s.agents[i].id.c_str());
    int accepted = 0;
    for (Index k = 0; k < r.prefs.issues(); ++k) {
      const bool red = x(k) < r.prefs.red_lo(ii, k) || x(k) > r.prefs.red_hi(ii, k);
      const bool worse = r.prefs.weight(ii, k) > 0.0 &&
                         r.prefs.value(ii, k, x(k)) < r.prefs.value(ii, k, war(k)) - 1e-12;
      accepted += !red && !worse;
      std::printf(" %11s", red ? "red-line" : worse ? "worse" : "accepts");
    }
    std::printf("  %d of %lld\n", accepted, static_cast<long long>(r.prefs.issues()));
  }
  std::vector<double> natural;
  for (std::size_t k = 0; k < s.issues.size(); ++k)
    natural.push_back(s.issues[k].to_natural(x(static_cast<Index>(k))));
  bool allowed = true;
  for (const auto& c : s.constraints) {
    if (scenario::satisfied(c, natural)) continue;
    allowed = false;
    std::printf("\nThe text breaks the constraint %s [%s].\n",
                c.kind == scenario::Constraint::Kind::excludes ? "excludes" : "requires",
                c.text.c_str());
  }
  if (!allowed)
    std::printf("\nThe constraints rule this text out.\n");
  else if (all_veto_accept)
    std::printf("\nEvery agent whose consent it needs accepts this text.\n");
  else
    std::printf("\nRejected by %s, whose consent it needs.\n", refusing.c_str());
  return kExitOk;
}

}  // namespace parley::cli
