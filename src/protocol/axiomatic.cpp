#include "parley/protocol/axiomatic.hpp"

#include "parley/protocol/text_solver.hpp"

namespace parley::protocol {

void negotiate_axiomatic(const Setting& setting, const Realization& run_parameters,
                         RunStreams& streams, Workspace& w, RunResult& out, Trace* trace) {
  Realization& r = w.shocked;
  r = run_parameters;
  const double front = open_round(setting, r, 1, r.battlefield_start, streams, w, out);

  std::vector<Index> veto;
  for (std::size_t i = 0; i < setting.veto.size(); ++i) {
    if (setting.veto[i]) veto.push_back(static_cast<Index>(i));
  }
  const auto n = static_cast<Index>(veto.size());
  Vector d(n);
  for (Index j = 0; j < n; ++j) d(j) = w.batna(veto[static_cast<std::size_t>(j)]);
  TextSolver solver(setting, r.prefs, feasible_box(r.prefs, veto));
  std::optional<Vector> text;
  if (setting.kind == Kind::nash) {
    text = solver.nash(veto, d, Vector::Ones(n));
  } else if (const auto ks = solver.kalai_smorodinsky(veto, d)) {
    text = ks->x;
  }
  w.x = text ? *text : r.first_draft;
  answer(r, w.demand, w);
  if (trace) trace->record(1, -1, front, w.x, w.u, w.batna, w.demand, r.prefs, w.accepts);
  out.outcome = text ? Outcome::agreement : Outcome::deadline;
  out.blocker = -1;
  conclude(setting, r, w, 1, front, w.demand, out);
}

}  // namespace parley::protocol
