#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.hpp"

namespace parley::cli {
namespace {

__attribute__((format(printf, 1, 2))) std::string line(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

}  // namespace

std::string format_statistics(const std::array<std::vector<std::string>, engine::kAlongs>& along,
                              const std::vector<std::vector<double>>& statistics) {
  const auto& declared = engine::summary_statistics();
  std::string out;
  for (std::size_t a = 0; a < engine::kAlongs; ++a) {
    const std::vector<std::string>& labels = along[a];
    std::vector<std::size_t> shown;
    for (std::size_t j = 0; j < declared.size() && j < statistics.size(); ++j) {
      if (static_cast<std::size_t>(declared[j].along) != a || !declared[j].heading ||
          labels.empty() || statistics[j].size() != labels.size())
        continue;
      const bool empty = std::all_of(statistics[j].begin(), statistics[j].end(),
                                     [](double v) { return std::isnan(v) || v == 0.0; });
      if (!(declared[j].hide_empty && empty)) shown.push_back(j);
    }
    if (shown.empty()) continue;
    // Labels first, in 28 columns; long ones (a shock as stated) after the values.
    const bool labels_last = std::any_of(labels.begin(), labels.end(),
                                         [](const std::string& l) { return l.size() > 28; });
    const char* title = engine::kAlongTitle[a];
    out += labels_last               ? line("\n  %s\n  ", title)
           : std::strlen(title) > 30 ? line("\n  %s\n  %-30s", title, "")
                                     : line("\n  %-30s", title);
    std::vector<int> widths;
    for (const std::size_t j : shown) {
      widths.push_back(std::max<int>(9, static_cast<int>(std::strlen(declared[j].heading))));
      out += line("  %*s", widths.back(), declared[j].heading);
    }
    out += "\n";
    for (std::size_t k = 0; k < labels.size(); ++k) {
      std::string values;
      for (std::size_t c = 0; c < shown.size(); ++c) {
        const double v = statistics[shown[c]][k];
        values += std::isnan(v)                ? line("  %*s", widths[c], "-")
                  : declared[shown[c]].percent ? line("  %*.1f%%", widths[c] - 1, 100.0 * v)
                                               : line("  %*.3f", widths[c], v);
      }
      out += labels_last ? line("  %s  %s\n", values.c_str(), labels[k].c_str())
                         : line("    %-28s%s\n", labels[k].c_str(), values.c_str());
    }
    if (a != static_cast<std::size_t>(engine::Along::issue)) continue;
    // The two most frequent principal obstacles.
    const std::vector<double>& first = statistics[engine::summary_statistic("obstacle_share")];
    if (first.size() != labels.size()) continue;
    std::vector<std::size_t> order(labels.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return first[x] > first[y]; });
    std::string top;
    for (std::size_t j = 0; j < std::min<std::size_t>(2, order.size()); ++j) {
      if (first[order[j]] <= 0.0) break;
      top += line("%s%s (%.1f%%)", j ? ", then " : "", labels[order[j]].c_str(),
                  100.0 * first[order[j]]);
    }
    if (!top.empty()) out += "    most often the principal obstacle: " + top + "\n";
  }
  return out;
}

std::string format_survival(int horizon, const engine::Summary& m) {
  if (horizon <= 0 || m.survival.empty() || m.survival_deals.empty() || m.survival_deals[0] == 0)
    return "";
  const auto h = static_cast<std::size_t>(horizon);
  std::string out = line(
      "\n  Whether deals hold (%d rounds after the signature)   deals   holding   95%% Wilson\n",
      horizon);
  for (std::size_t g = 0; g < m.survival.size(); ++g) {
    const std::uint64_t n = m.survival_deals[g];
    if (n == 0 || m.survival[g].size() != h + 1) continue;
    const double held = m.survival[g][h];
    const auto ci = engine::wilson_interval(
        static_cast<std::uint64_t>(std::llround(held * static_cast<double>(n))), n);
    out += line("    %-44s %7llu   %6.1f%%   [%.1f%%, %.1f%%]\n", m.survival_groups[g].c_str(),
                static_cast<unsigned long long>(n), 100.0 * held, 100.0 * ci[0], 100.0 * ci[1]);
  }
  const double deals = static_cast<double>(m.survival_deals[0]);
  out += line(
      "    broke down: %.1f%% of deals by the hazard of their terms, %.1f%% by the shift "
      "of power after them\n",
      100.0 * static_cast<double>(m.breakdowns[0]) / deals,
      100.0 * static_cast<double>(m.breakdowns[1]) / deals);
  return out;
}

std::string format_summary(const scenario::Scenario& s, const engine::Summary& m) {
  std::string out;
  const double n = static_cast<double>(m.runs);
  out += line("Parley — %s: %llu runs, protocol %s\n", s.title.c_str(),
              static_cast<unsigned long long>(m.runs),
              std::string(model::name_of(s.protocol.kind)).c_str());
  out += line("  P(agreement)          %.4f   95%% Wilson interval [%.4f, %.4f]\n", m.p_agreement,
              m.p_low, m.p_high);
  out += line("  outcomes              agreement %.1f%%   walk-out %.1f%%",
              100.0 * static_cast<double>(m.outcomes[0]) / n,
              100.0 * static_cast<double>(m.outcomes[1]) / n);
  // A known deadline, the collapse of the talks, and runs still talking at the horizon (docs/
  // model.md, "When the talks end"): shown where they occur.
  const auto share = [&](protocol::Outcome o) {
    return static_cast<double>(m.outcomes[static_cast<std::size_t>(o)]) / n;
  };
  if (share(protocol::Outcome::deadline) > 0)
    out += line("   deadline %.1f%%", 100.0 * share(protocol::Outcome::deadline));
  if (share(protocol::Outcome::collapse) > 0)
    out += line("   collapse %.1f%%", 100.0 * share(protocol::Outcome::collapse));
  if (share(protocol::Outcome::refused) > 0)
    out += line("   refused at home %.1f%%", 100.0 * share(protocol::Outcome::refused));
  if (share(protocol::Outcome::abandoned) > 0)
    out += line("   abandoned by the mediator %.1f%%", 100.0 * share(protocol::Outcome::abandoned));
  out += "\n";
  if (share(protocol::Outcome::censored) > 0 &&
      s.protocol.kind == model::ProtocolKind::expected_utility) {
    out += line(
        "                        challenges unsettled %.1f%% (a cycle of positions on some issue, "
        "or protocol.challenge_rounds %d reached: no forecast)\n",
        100.0 * share(protocol::Outcome::censored), s.protocol.challenge_rounds);
  } else if (share(protocol::Outcome::censored) > 0) {
    out += line(
        "                        still talking at the horizon %.1f%% (censored at round %d, "
        "protocol.max_rounds: no outcome yet)\n",
        100.0 * share(protocol::Outcome::censored), s.protocol.max_rounds);
  }
  if (m.outcomes[3] > 0) {
    out += line(
        "                        partial deal %.1f%% (a deal on some issues: the rest bracketed, "
        "or its agenda stage not agreed; not counted in P(agreement))\n",
        100.0 * static_cast<double>(m.outcomes[3]) / n);
  }
  if (m.outcomes[0] > 0) {
    out += line("  rounds to agreement   median %.0f   quartiles [%.0f, %.0f]\n", m.rounds[1],
                m.rounds[0], m.rounds[2]);
    // P(agreement by round t) at about six rounds, the last among them.
    const std::size_t last = m.deal_by.size(), step = std::max<std::size_t>(1, last / 6);
    std::string by;
    for (std::size_t t = last % step == 0 ? step : last % step; t <= last; t += step)
      by += line("   %zu: %.3f", t, m.deal_by[t - 1]);
    if (!by.empty()) out += "  P(agreement by round)" + by + "\n";
    out +=
        "\n  Deal terms (natural units)      unit        q05      q25   median      q75      q95   "
        "  mean\n";
    const std::vector<double>& mean = m.statistic("deal_mean");
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const auto& q = m.deal_quantiles[k];
      out += line("    %-28s  %-8s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", s.issues[k].id.c_str(),
                  s.issues[k].unit.c_str(), q[0], q[1], q[2], q[3], q[4], mean[k]);
    }
  }
  std::array<std::vector<std::string>, engine::kAlongs> along;
  for (const auto& agent : s.agents) along[0].push_back(agent.id);
  for (const auto& issue : s.issues) along[1].push_back(issue.id);
  for (const auto& shock : s.shocks) along[2].push_back(shock.label);
  for (std::size_t j = 0; j < engine::along_size(s, engine::Along::stage); ++j)
    along[3].push_back(std::to_string(j));
  for (const auto& design : s.ceasefire.designs) along[4].push_back(design.label);
  out += format_statistics(along, m.statistics);
  out += format_survival(s.durability.horizon, m);
  out += line("\n  wall time %.2f s, %.0f runs/s; writing the output took %.2f s (%.1f%%)\n",
              m.wall_seconds, m.runs_per_second, m.write_seconds,
              m.wall_seconds > 0 ? 100.0 * m.write_seconds / m.wall_seconds : 0.0);
  return out;
}

std::string format_sensitivity(const std::vector<engine::SampledColumn>& columns,
                               const engine::Sensitivity& sensitivity, std::size_t top) {
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < sensitivity.rho.size(); ++j) {
    if (!std::isnan(sensitivity.rho[j][0])) order.push_back(j);
  }
  if (order.empty()) return "";
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(sensitivity.rho[a][0]) > std::abs(sensitivity.rho[b][0]);
  });
  const std::uint64_t n = sensitivity.pairs.empty() ? sensitivity.runs : sensitivity.pairs[0];
  const double noise = engine::spearman_noise(n);
  std::string out = line(
      "\n  Drivers of agreement (Spearman's rho over the first %llu runs, 95%% interval; |rho| "
      "below %.3f is noise)\n",
      static_cast<unsigned long long>(sensitivity.runs), noise);
  std::size_t shown = 0, below = 0;
  for (const std::size_t j : order) {
    const double rho = sensitivity.rho[j][0];
    if (!(std::abs(rho) >= noise)) {
      ++below;
      continue;
    }
    if (shown++ >= top) continue;
    const auto ci = engine::spearman_interval(rho, n);
    out += line("    %-44s %+7.3f [%+.3f, %+.3f]\n", columns[j].key.c_str(), rho, ci[0], ci[1]);
  }
  if (shown > top) out += line("    ... %zu more above the noise\n", shown - top);
  if (below > 0) {
    out += line("    (%zu parameters within the noise; of %zu, about %.0f pass it by chance)\n",
                below, order.size(), 0.05 * static_cast<double>(order.size()));
  }
  return out;
}

std::string format_trace(const scenario::Scenario& s, std::uint64_t run, const engine::RunBlock& b,
                         const protocol::Trace& trace) {
  static const char* const kOutcomes[] = {"agreement",       "walk-out",
                                          "deadline",        "partial deal",
                                          "collapse",        "still talking at the horizon",
                                          "refused at home", "abandoned by the mediator"};
  std::string out = line("Run %llu of %s: %s", static_cast<unsigned long long>(run), s.name.c_str(),
                         kOutcomes[static_cast<int>(b.outcome[0])]);
  if (b.round[0] >= 0) out += line(" in round %d", b.round[0]);
  if (b.blocker[0] >= 0) {
    out +=
        line("; blocked by %s over %s", s.agents[static_cast<std::size_t>(b.blocker[0])].id.c_str(),
             s.issues[static_cast<std::size_t>(b.obstacle[0])].id.c_str());
  }
  out += "\n\n  round  front   text (natural units)";
  out += std::string(s.issues.size() * 11 > 20 ? s.issues.size() * 11 - 20 : 0, ' ');
  out += "  answers (utility / demand)\n";
  out += "              ";
  for (const auto& issue : s.issues) out += line(" %10.10s", issue.id.c_str());
  for (const auto& a : s.agents) out += line("  %-16.16s", a.id.c_str());
  out += "\n";
  const auto& bf = s.issues[s.battlefield.issue];
  for (const auto& r : trace.rounds) {
    out += line("  %5d %6.3f", r.round, bf.to_natural(r.front));
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const auto& issue = s.issues[k];
      const double natural = issue.to_natural(r.text(static_cast<Eigen::Index>(k)));
      if (issue.discrete()) {
        out += line(" %10.10s", issue.option_at(natural).c_str());
      } else {
        out += line(" %10.4g", natural);
      }
    }
    for (std::size_t i = 0; i < s.agents.size(); ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      // Why it answered so: A accepts; r rejects a text worth less than its demand (its BATNA or
      // the aspiration above it); x rejects a text across one of its red lines.
      bool crosses = false;
      for (Eigen::Index k = 0; k < r.text.size() && ii < r.red_lo.rows(); ++k) {
        crosses =
            crosses || r.text(k) < r.red_lo(ii, k) - 1e-9 || r.text(k) > r.red_hi(ii, k) + 1e-9;
      }
      const char answer = r.accepts[i] ? 'A' : crosses ? 'x' : 'r';
      out +=
          line("  %c%c %5.3f / %5.3f", answer,
               static_cast<Eigen::Index>(i) == r.proposer ? '*' : ' ', r.utility(ii), r.demand(ii));
    }
    out += "\n";
  }
  out +=
      "  (A accepts; r rejects, the text worth less to it than its demand, its BATNA or the "
      "aspiration above it; x rejects, the text across one of its red lines";
  out += trace.rounds.size() > 0 && trace.rounds.front().proposer >= 0 ? "; * proposer)\n" : ")\n";
  if (!trace.rounds.empty()) {
    out += "  BATNAs in the last round:";
    for (std::size_t i = 0; i < s.agents.size(); ++i)
      out += line(" %s %.3f", s.agents[i].id.c_str(),
                  trace.rounds.back().batna(static_cast<Eigen::Index>(i)));
    out += "\n";
  }
  // Draft lineage: how the discrete issues changed from round to round.
  bool discrete = false;
  for (const auto& issue : s.issues) discrete = discrete || issue.discrete();
  if (discrete && trace.rounds.size() > 1) {
    out += "\n  Draft lineage (+ added or raised, - dropped or lowered)\n";
    for (std::size_t t = 1; t < trace.rounds.size(); ++t) {
      std::string changes;
      for (std::size_t k = 0; k < s.issues.size(); ++k) {
        const auto& issue = s.issues[k];
        const auto kk = static_cast<Eigen::Index>(k);
        const double before = trace.rounds[t - 1].text(kk), after = trace.rounds[t].text(kk);
        if (!issue.discrete() || before == after) continue;
        changes += line(" %c%s", after > before ? '+' : '-', issue.id.c_str());
        if (issue.kind == scenario::IssueKind::options) {
          changes += "=" + issue.option_at(issue.to_natural(after));
        }
      }
      out += line("  %5d %s\n", trace.rounds[t].round,
                  changes.empty() ? " (no change)" : changes.c_str());
    }
  }
  // The expected-utility model's offers taken, issue by issue (the trace group has each one).
  if (!trace.challenges.empty()) {
    out +=
        "\n  Offers taken (expected-utility model): the last round an actor moved, and how\n"
        "  issue          last round  conflicts lost  compromises  capitulations\n";
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      int last = 0, by[4] = {0, 0, 0, 0};
      for (const protocol::TraceChallenge& c : trace.challenges) {
        if (c.issue != static_cast<model::Index>(k)) continue;
        last = std::max(last, c.round);
        if (c.move >= 1 && c.move <= 3) ++by[c.move];
      }
      out += line("  %-14.14s %10d %15d %12d %14d\n", s.issues[k].id.c_str(), last, by[1], by[2],
                  by[3]);
    }
  }
  return out;
}

}  // namespace parley::cli
