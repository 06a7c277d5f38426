#include "parley/protocol/axiomatic.hpp"

#include "parley/protocol/ratification.hpp"
#include "parley/protocol/solve/text_solver.hpp"

namespace parley::protocol {

void negotiate_axiomatic(const Run& run) {
  const Setting& setting = run.setting;
  RunStreams& streams = run.streams;
  Workspace& w = run.w;
  RunResult& out = run.out;
  Realization& r = w.shocked;
  r = run.drawn;
  const double front = open_round(setting, r, 1, r.battlefield_start, streams, w, out);

  std::vector<Index> veto;
  for (std::size_t i = 0; i < setting.veto.size(); ++i) {
    if (setting.veto[i]) veto.push_back(static_cast<Index>(i));
  }
  const auto n = static_cast<Index>(veto.size());
  Vector d(n);
  for (Index j = 0; j < n; ++j) d(j) = w.batna(veto[static_cast<std::size_t>(j)]);
  // The agenda's stages in turn (docs/model.md, "Agendas in stages"), or one stage of every
  // issue. In stage s the issues of earlier stages stay as agreed, and those of later stages
  // wait at their status quo, their red lines set aside: the solution is that of the stage's
  // issues with the rest as it stands.
  const std::size_t n_stages = std::max<std::size_t>(setting.stages.size(), 1);
  std::size_t agreed = 0;
  std::optional<Vector> text;
  w.x = r.status_quo;
  for (std::size_t s = 0; s < n_stages; ++s) {
    TextBox box = feasible_box(r.prefs, veto);
    if (!setting.stages.empty()) {
      for (std::size_t other = 0; other < n_stages; ++other) {
        if (other == s) continue;
        for (const Index k : setting.stages[other])
          box.lo(k) = box.hi(k) = other < s ? w.x(k) : r.status_quo(k);
      }
      box.find_empty();
    }
    TextSolver solver(setting, r.prefs, box);
    text.reset();
    if (setting.kind == ProtocolKind::nash) {
      text = solver.nash(veto, d, Vector::Ones(n));
    } else if (const auto ks = solver.kalai_smorodinsky(veto, d)) {
      text = ks->x;
    }
    if (!text) break;
    w.x = *text;
    ++agreed;
  }
  const bool partial = !text && agreed > 0 && setting.binding;
  if (!text && !partial) w.x = r.first_draft;
  // The solution goes home (docs/model.md, "Ratification at home"): one shot, so a refusal ends
  // the talks.
  settle_one_shot(run, front,
                  text      ? Outcome::agreement
                  : partial ? Outcome::partial
                            : Outcome::deadline);
  if (!setting.stages.empty()) {
    out.stages_agreed = static_cast<int>(agreed);
    // A partial deal settles the stages agreed; the rest stays at the status quo.
    for (std::size_t s = agreed; partial && s < n_stages; ++s) {
      for (const Index k : setting.stages[s]) out.bracketed[static_cast<std::size_t>(k)] = 1;
    }
  }
}

}  // namespace parley::protocol
