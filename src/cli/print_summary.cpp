#include <cmath>
#include <cstdarg>
#include <cstdio>
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

std::string format_summary(const scenario::Scenario& s, const engine::Summary& m) {
  std::string out;
  const double n = static_cast<double>(m.runs);
  out += line("Parley — %s: %llu runs, protocol %s\n", s.title.c_str(),
              static_cast<unsigned long long>(m.runs), scenario::protocol_name(s.protocol.kind));
  out += line("  P(agreement)          %.4f   95%% Wilson interval [%.4f, %.4f]\n", m.p_agreement,
              m.p_low, m.p_high);
  out += line("  outcomes              agreement %.1f%%   walk-out %.1f%%   deadline %.1f%%\n",
              100.0 * static_cast<double>(m.outcomes[0]) / n,
              100.0 * static_cast<double>(m.outcomes[1]) / n,
              100.0 * static_cast<double>(m.outcomes[2]) / n);
  if (m.outcomes[0] > 0) {
    out += line("  rounds to agreement   median %.0f   quartiles [%.0f, %.0f]\n", m.rounds[1],
                m.rounds[0], m.rounds[2]);
    out +=
        "\n  Deal terms (natural units)      unit        q05      q25   median      q75      q95   "
        "  mean\n";
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const auto& q = m.deal_quantiles[k];
      out += line("    %-28s  %-8s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", s.issues[k].id.c_str(),
                  s.issues[k].unit.c_str(), q[0], q[1], q[2], q[3], q[4], m.deal_mean[k]);
    }
  }
  out += "\n  Agents                          mean utility   blocked\n";
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    out += line("    %-28s  %12.3f   %6.1f%%\n", s.agents[i].id.c_str(), m.mean_utility[i],
                100.0 * m.blocker_share[i]);
  }
  out += "\n  Principal obstacle (share of runs)\n";
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    out += line("    %-28s  %6.1f%%\n", s.issues[k].id.c_str(), 100.0 * m.obstacle_share[k]);
  }
  out += line("\n  wall time %.2f s, %.0f runs/s\n", m.wall_seconds, m.runs_per_second);
  return out;
}

}  // namespace parley::cli
