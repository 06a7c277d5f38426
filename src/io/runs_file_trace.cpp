// A runs file's traced runs, one at a time, and their coordinates (see runs_file.hpp).
#include "runs_file_impl.hpp"

namespace parley::io {

void RunsFile::Impl::add_trace(std::uint64_t run, const protocol::Trace& run_trace) {
  // Group `trace`: [trace_run, round, issue|agent], padded with NaN / -1 past a run's end
  // (the datasets' fill values). Each traced run is written as it arrives; the round axis grows
  // to the longest run so far, so memory holds one run, whatever the number traced.
  const hsize_t ni = n_issues, na = n_agents;
  if (traced.group.get() < 0) {
    traced.group = h5::create_group(file, "trace");
    const hsize_t chunk_rounds = std::clamp<hsize_t>(max_rounds, 1, 256);
    auto make = [&](TraceData& d, const char* name, hid_t type, const void* fill,
                    std::vector<Axis> across, const std::string& long_name,
                    const std::string& units) {
      d.across = std::move(across);
      const std::vector<hsize_t> dims = trace_shape(d, 0, 1);
      std::vector<hsize_t> max = dims, chunk = dims;
      max[0] = max[1] = H5S_UNLIMITED;
      chunk[0] = 1;
      chunk[1] = chunk_rounds;
      for (std::size_t x = 2; x < chunk.size(); ++x) chunk[x] = std::max<hsize_t>(chunk[x], 1);
      d.dataset = h5::create_dataset(traced.group, name, type, dims, {chunk, 0, fill, max});
      describe(d.dataset, long_name, units);
      // The fill (NaN, -1) marks "no value" (past the end of the run) as CF's _FillValue; in
      // `changes` the fill 0 is a value ("unchanged"), and the values are flags.
      if (std::string(name) != "changes") {
        h5::attr_of_type(d.dataset, "_FillValue", type, fill);
      } else {
        const std::vector<std::int8_t> lineage = {-1, 0, 1};
        h5::attr_int8_array(d.dataset, "flag_values", lineage);
        h5::attr_string(d.dataset, "flag_meanings", "dropped unchanged added");
      }
    };
    const Axis issue = Axis::issue, agent = Axis::agent;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::int8_t no = -1, unchanged = 0;
    const std::int32_t nobody = -1;
    make(traced.text, "text", H5T_IEEE_F64LE, &nan, {issue}, "text on the table, natural units",
         "");
    make(traced.changes, "changes", H5T_STD_I8LE, &unchanged, {issue},
         "draft lineage: +1 clause added (position raised), -1 dropped (lowered), 0 unchanged "
         "(also in the first round and past the end)",
         "");
    make(traced.utility, "utility", H5T_IEEE_F64LE, &nan, {agent},
         "each agent's utility of the text", "utility");
    make(traced.batna, "batna", H5T_IEEE_F64LE, &nan, {agent}, "BATNA", "utility");
    make(traced.demand, "demand", H5T_IEEE_F64LE, &nan, {agent},
         "utility the agent demands: its BATNA, or its aspiration where higher", "utility");
    make(traced.red_lo, "red_lo", H5T_IEEE_F64LE, &nan, {agent, issue},
         "lowest position the agent accepts in this round, natural units", "");
    make(traced.red_hi, "red_hi", H5T_IEEE_F64LE, &nan, {agent, issue},
         "highest position the agent accepts in this round, natural units", "");
    make(traced.belief_lo, "belief_lo", H5T_IEEE_F64LE, &nan, {agent, issue},
         "the mediator's posterior median of the agent's private lowest position after this "
         "round's answers, natural units (NaN: not private, or complete information)",
         "");
    make(traced.belief_hi, "belief_hi", H5T_IEEE_F64LE, &nan, {agent, issue},
         "the mediator's posterior median of the agent's private highest position (as belief_lo)",
         "");
    make(traced.accepts, "accepts", H5T_STD_I8LE, &no, {agent},
         "1 if the agent accepts the text (-1: after the end)", "");
    make(traced.front, "battlefield", H5T_IEEE_F64LE, &nan, {}, "front line", "");
    make(traced.proposer, "proposer", H5T_STD_I32LE, &nobody, {},
         "index of the proposing agent (alternating offers; -1 otherwise)", "");
    make(traced.expected_drift, "expected_drift", H5T_IEEE_F64LE, &nan, {agent},
         "the front's drift per round the agent values the war with in this round, battlefield "
         "units (its belief's mean; NaN: it values no war)",
         "");
    make(traced.reservation, "reservation", H5T_IEEE_F64LE, &nan, {agent},
         "the agent's reservation on the battlefield issue, the other terms as in the text: the "
         "farthest position from its ideal toward the other deciders' mean ideal at which the text "
         "is "
         "still worth "
         "its demand within its red lines, natural units (NaN: none)",
         "");
    make(traced.range, "range", H5T_IEEE_F64LE, &nan, {},
         "bargaining range on the battlefield issue, the other terms as in the text: the share of "
         "its scale (or options) where every party whose consent the text needs would take it over "
         "its BATNA (0: empty)",
         "1");
    make(traced.zone, "zone", H5T_IEEE_F64LE, &nan, {},
         "zone of agreement in this round: max over texts of min over the deciders of u - BATNA "
         "(as zone_first; -inf: red lines exclude every text)",
         "utility");
    make(traced.payment, "payment", H5T_IEEE_F64LE, &nan, {agent},
         "side payment the mediator attached to the text in this round for the agent (units; NaN: "
         "no side payments)",
         "1");
    make(traced.aid, "aid", H5T_IEEE_F64LE, &nan, {agent},
         "aid the agent gave the contest's down side in this round (the contest's units; NaN: no "
         "aid instrument)",
         "1");
    make(traced.sanctions, "sanctions", H5T_IEEE_F64LE, &nan, {agent},
         "sanctions the agent imposed on the contest's up side in this round (the contest's "
         "units; NaN: no sanctions instrument)",
         "1");
    // The expected-utility model's offers taken, [trace_run, challenge], issue by issue and
    // round by round (padded past a run's last with the fill; none under other protocols).
    auto make_challenge = [&](h5::Handle& d, const char* name, hid_t type, const void* fill,
                              const std::string& long_name, const std::string& units) {
      d = h5::create_dataset(traced.group, name, type, {0, 1},
                             {{1, 64}, 0, fill, {H5S_UNLIMITED, H5S_UNLIMITED}});
      describe(d, long_name, units);
      h5::attr_of_type(d, "_FillValue", type, fill);
    };
    make_challenge(traced.challenge_round, "challenge_round", H5T_STD_I32LE, &nobody,
                   "round of the expected-utility model's challenges on the issue in which the "
                   "offer was taken (-1: past the run's last)",
                   "round");
    make_challenge(traced.challenge_issue, "challenge_issue", H5T_STD_I32LE, &nobody,
                   "index of the issue (into the issue coordinate) the offer was on", "");
    make_challenge(traced.challenger, "challenger", H5T_STD_I32LE, &nobody,
                   "index of the agent that made the offer", "");
    make_challenge(traced.target, "target", H5T_STD_I32LE, &nobody,
                   "index of the agent that took it and moved", "");
    make_challenge(traced.move, "move", H5T_STD_I8LE, &no,
                   "how the target moved: 1 it lost a conflict, 2 it compromised, 3 it "
                   "capitulated (-1: past the run's last)",
                   "");
    const std::vector<std::int8_t> moves = {1, 2, 3};
    h5::attr_int8_array(traced.move, "flag_values", moves);
    h5::attr_string(traced.move, "flag_meanings", "conflict compromise capitulation");
    make_challenge(traced.from, "move_from", H5T_IEEE_F64LE, &nan,
                   "the target's position before the move, natural units", "");
    make_challenge(traced.to, "move_to", H5T_IEEE_F64LE, &nan,
                   "the target's position after the move, natural units", "");
  }
  const hsize_t rounds = run_trace.rounds.size();
  const hsize_t j = traced.runs.size();
  traced.runs.push_back(static_cast<std::int64_t>(run));
  traced.counts.push_back(static_cast<std::int32_t>(rounds));
  traced.longest = std::max(traced.longest, std::max<hsize_t>(rounds, 1));
  for (TraceData* d : traced.all()) h5::extend(d->dataset, trace_shape(*d, j + 1, traced.longest));
  add_challenges(run_trace, j);
  if (rounds == 0) return;
  std::vector<std::int32_t> proposer(rounds);
  std::vector<double> text(rounds * ni), utility(rounds * na), batna(rounds * na),
      demand(rounds * na), red_lo(rounds * na * ni), red_hi(rounds * na * ni),
      belief_lo(rounds * na * ni), belief_hi(rounds * na * ni), front(rounds),
      expected_drift(rounds * na), reservation(rounds * na), range(rounds), zone(rounds),
      payment(rounds * na), aid(rounds * na), sanctions(rounds * na);
  std::vector<std::int8_t> accepts(rounds * na), changes(rounds * ni, 0);
  const double no_belief = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t r = 0; r < rounds; ++r) {
    const auto& round = run_trace.rounds[r];
    proposer[r] = static_cast<std::int32_t>(round.proposer);
    front[r] = issues[battlefield_issue].to_natural(round.front);
    range[r] = round.range;
    zone[r] = round.zone;
    for (std::size_t i = 0; i < ni; ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      text[r * ni + i] = issues[i].to_natural(round.text(ii));
      if (r > 0) {
        // Draft lineage: +1 a clause added (an option or position raised), -1 the reverse.
        const double before = run_trace.rounds[r - 1].text(ii);
        changes[r * ni + i] =
            static_cast<std::int8_t>((round.text(ii) > before) - (round.text(ii) < before));
      }
    }
    for (std::size_t a = 0; a < na; ++a) {
      const auto ai = static_cast<Eigen::Index>(a);
      utility[r * na + a] = round.utility(ai);
      batna[r * na + a] = round.batna(ai);
      demand[r * na + a] = round.demand(ai);
      expected_drift[r * na + a] = round.expected_drift.size() > ai
                                       ? round.expected_drift(ai) * (issues[battlefield_issue].hi -
                                                                     issues[battlefield_issue].lo)
                                       : no_belief;
      reservation[r * na + a] = round.reservation.size() > ai && !std::isnan(round.reservation(ai))
                                    ? issues[battlefield_issue].to_natural(round.reservation(ai))
                                    : no_belief;
      accepts[r * na + a] = round.accepts[a];
      payment[r * na + a] = round.payment.size() > ai ? round.payment(ai) : no_belief;
      aid[r * na + a] = round.aid.size() > ai ? round.aid(ai) : no_belief;
      sanctions[r * na + a] = round.sanctions.size() > ai ? round.sanctions(ai) : no_belief;
      for (std::size_t i = 0; i < ni; ++i) {
        const auto ii = static_cast<Eigen::Index>(i);
        red_lo[(r * na + a) * ni + i] = issues[i].to_natural(round.red_lo(ai, ii));
        red_hi[(r * na + a) * ni + i] = issues[i].to_natural(round.red_hi(ai, ii));
        const bool believed = round.belief_lo.size() > 0;
        belief_lo[(r * na + a) * ni + i] =
            believed ? issues[i].to_natural(round.belief_lo(ai, ii)) : no_belief;
        belief_hi[(r * na + a) * ni + i] =
            believed ? issues[i].to_natural(round.belief_hi(ai, ii)) : no_belief;
      }
    }
  }
  auto put = [&](TraceData& d, hid_t memory_type, const void* data) {
    const std::vector<hsize_t> count = trace_shape(d, 1, rounds);
    std::vector<hsize_t> start(count.size(), 0);
    start[0] = j;
    h5::write_block(d.dataset, memory_type, start, count, data);
  };
  put(traced.text, H5T_NATIVE_DOUBLE, text.data());
  put(traced.changes, H5T_NATIVE_INT8, changes.data());
  put(traced.utility, H5T_NATIVE_DOUBLE, utility.data());
  put(traced.batna, H5T_NATIVE_DOUBLE, batna.data());
  put(traced.demand, H5T_NATIVE_DOUBLE, demand.data());
  put(traced.red_lo, H5T_NATIVE_DOUBLE, red_lo.data());
  put(traced.red_hi, H5T_NATIVE_DOUBLE, red_hi.data());
  put(traced.belief_lo, H5T_NATIVE_DOUBLE, belief_lo.data());
  put(traced.belief_hi, H5T_NATIVE_DOUBLE, belief_hi.data());
  put(traced.accepts, H5T_NATIVE_INT8, accepts.data());
  put(traced.front, H5T_NATIVE_DOUBLE, front.data());
  put(traced.proposer, H5T_NATIVE_INT32, proposer.data());
  put(traced.expected_drift, H5T_NATIVE_DOUBLE, expected_drift.data());
  put(traced.reservation, H5T_NATIVE_DOUBLE, reservation.data());
  put(traced.range, H5T_NATIVE_DOUBLE, range.data());
  put(traced.zone, H5T_NATIVE_DOUBLE, zone.data());
  put(traced.payment, H5T_NATIVE_DOUBLE, payment.data());
  put(traced.aid, H5T_NATIVE_DOUBLE, aid.data());
  put(traced.sanctions, H5T_NATIVE_DOUBLE, sanctions.data());
}

void RunsFile::Impl::add_challenges(const protocol::Trace& run_trace, hsize_t j) {
  const hsize_t steps = run_trace.challenges.size();
  traced.challenge_counts.push_back(static_cast<std::int32_t>(steps));
  traced.most_challenges = std::max(traced.most_challenges, std::max<hsize_t>(steps, 1));
  for (h5::Handle* d : traced.challenge_data()) h5::extend(*d, {j + 1, traced.most_challenges});
  if (steps == 0) return;
  std::vector<std::int32_t> round(steps), issue(steps), by(steps), moved(steps);
  std::vector<std::int8_t> move(steps);
  std::vector<double> from(steps), to(steps);
  for (std::size_t s = 0; s < steps; ++s) {
    const protocol::TraceChallenge& c = run_trace.challenges[s];
    const auto& on = issues[static_cast<std::size_t>(c.issue)];
    round[s] = c.round;
    issue[s] = static_cast<std::int32_t>(c.issue);
    by[s] = static_cast<std::int32_t>(c.challenger);
    moved[s] = static_cast<std::int32_t>(c.target);
    move[s] = c.move;
    from[s] = on.to_natural(c.from);
    to[s] = on.to_natural(c.to);
  }
  const std::vector<hsize_t> start = {j, 0}, count = {1, steps};
  h5::write_block(traced.challenge_round, H5T_NATIVE_INT32, start, count, round.data());
  h5::write_block(traced.challenge_issue, H5T_NATIVE_INT32, start, count, issue.data());
  h5::write_block(traced.challenger, H5T_NATIVE_INT32, start, count, by.data());
  h5::write_block(traced.target, H5T_NATIVE_INT32, start, count, moved.data());
  h5::write_block(traced.move, H5T_NATIVE_INT8, start, count, move.data());
  h5::write_block(traced.from, H5T_NATIVE_DOUBLE, start, count, from.data());
  h5::write_block(traced.to, H5T_NATIVE_DOUBLE, start, count, to.data());
}

void RunsFile::Impl::finish_trace() {
  // The coordinates, now that the traced runs and the longest run are known.
  if (traced.group.get() < 0) return;
  const hsize_t k = traced.runs.size(), t = traced.longest;
  h5::Handle& g = traced.group;
  h5::Handle t_run_scale = h5::create_dataset(g, "trace_run", H5T_STD_I64LE, {k}, {});
  if (k > 0) h5::write_all(t_run_scale, H5T_NATIVE_INT64, traced.runs.data());
  h5::make_scale(t_run_scale, "trace_run");
  describe(t_run_scale, "index of the traced run", "");
  std::vector<std::int32_t> rounds_axis;
  for (hsize_t r = 1; r <= t; ++r) rounds_axis.push_back(static_cast<std::int32_t>(r));
  h5::Handle t_round_scale = h5::create_dataset(g, "round", H5T_STD_I32LE, {t}, {});
  h5::write_all(t_round_scale, H5T_NATIVE_INT32, rounds_axis.data());
  h5::make_scale(t_round_scale, "round");
  describe(t_round_scale, "round of the talks", "round");
  h5::Handle t_issue_scale = h5::write_strings(g, "issue", issue_ids);
  h5::make_scale(t_issue_scale, "issue");
  h5::attr_string(t_issue_scale, "long_name", "issue id (its key in the scenario's [issues])");
  h5::Handle t_agent_scale = h5::write_strings(g, "agent", agent_ids);
  h5::make_scale(t_agent_scale, "agent");
  h5::attr_string(t_agent_scale, "long_name", "agent id (its key in the scenario's [agents])");
  for (TraceData* d : traced.all()) {
    h5::attach_scale(d->dataset, t_run_scale, 0);
    h5::attach_scale(d->dataset, t_round_scale, 1);
    for (std::size_t x = 0; x < d->across.size(); ++x) {
      h5::attach_scale(d->dataset, d->across[x] == Axis::issue ? t_issue_scale : t_agent_scale,
                       static_cast<unsigned>(2 + x));
    }
    d->dataset = {};
  }
  h5::Handle count = h5::create_dataset(g, "rounds", H5T_STD_I32LE, {k}, {});
  if (k > 0) h5::write_all(count, H5T_NATIVE_INT32, traced.counts.data());
  h5::attach_scale(count, t_run_scale, 0);
  describe(count, "rounds the talks lasted", "round");
  // The offers taken in the expected-utility model: their axis, and how many each run took.
  std::vector<std::int32_t> challenge_axis;
  for (hsize_t c = 1; c <= traced.most_challenges; ++c)
    challenge_axis.push_back(static_cast<std::int32_t>(c));
  h5::Handle c_scale =
      h5::create_dataset(g, "challenge", H5T_STD_I32LE, {traced.most_challenges}, {});
  h5::write_all(c_scale, H5T_NATIVE_INT32, challenge_axis.data());
  h5::make_scale(c_scale, "challenge");
  describe(c_scale, "offer taken in the expected-utility model, in order of issue and round", "");
  for (h5::Handle* d : traced.challenge_data()) {
    h5::attach_scale(*d, t_run_scale, 0);
    h5::attach_scale(*d, c_scale, 1);
    *d = {};
  }
  h5::Handle taken = h5::create_dataset(g, "challenges_taken", H5T_STD_I32LE, {k}, {});
  if (k > 0) h5::write_all(taken, H5T_NATIVE_INT32, traced.challenge_counts.data());
  h5::attach_scale(taken, t_run_scale, 0);
  describe(taken, "offers taken in the expected-utility model (0 under other protocols)", "");
  traced.group = {};
}

}  // namespace parley::io
