// A runs file's summary, grid and sensitivity groups (see runs_file.hpp).
#include <array>
#include <stdexcept>
#include <string>

#include "parley/engine/statistics.hpp"
#include "runs_file_impl.hpp"

namespace parley::io {

void RunsFile::write_summary(const engine::Summary& s) {
  try {
    Impl& m = *impl_;
    m.flush();
    h5::Handle g = h5::create_group(m.file, "summary");
    h5::Handle agent = h5::write_strings(g, "agent", m.agent_ids);
    h5::make_scale(agent, "agent");
    h5::attr_string(agent, "long_name", "agent id (its key in the scenario's [agents])");
    h5::Handle issue = h5::write_strings(g, "issue", m.issue_ids);
    h5::make_scale(issue, "issue");
    h5::attr_string(issue, "long_name", "issue id (its key in the scenario's [issues])");
    h5::Handle outcome =
        h5::write_strings(g, "outcome", engine::flag_names(protocol::kOutcomeMeanings));
    h5::make_scale(outcome, "outcome");
    h5::attr_string(outcome, "long_name", "how the talks ended");
    const std::vector<double> q(engine::kDealQuantiles.begin(), engine::kDealQuantiles.end());
    h5::Handle quantile = numeric_scale(g, "quantile", q);
    m.describe(quantile, "probability of the quantile of the deal terms", "1");
    h5::Handle round_quantile = numeric_scale(
        g, "round_quantile", {engine::kRoundQuantiles.begin(), engine::kRoundQuantiles.end()});
    m.describe(round_quantile, "probability of the quantile of the round of agreement", "1");

    auto scalar = [&](const std::string& name, double value, const std::string& long_name,
                      const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {}, {});
      h5::write_all(d, H5T_NATIVE_DOUBLE, &value);
      m.describe(d, long_name, units);
      no_value_is_nan(d);
    };
    // Counts are integers (CF: a count has no unit; naive code must not see 0.5 runs).
    auto count = [&](const std::string& name, const std::vector<std::int64_t>& values, hid_t scale,
                     const std::string& long_name) {
      const bool scalar_count = scale < 0;
      h5::Handle d = h5::create_dataset(
          g, name, H5T_STD_I64LE,
          scalar_count ? std::vector<hsize_t>{} : std::vector<hsize_t>{values.size()}, {});
      if (!values.empty()) h5::write_all(d, H5T_NATIVE_INT64, values.data());
      if (!scalar_count) h5::attach_scale(d, scale, 0);
      m.describe(d, long_name, "");
    };
    auto vector = [&](const std::string& name, const std::vector<double>& values, hid_t scale,
                      const std::string& long_name, const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {values.size()}, {});
      h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, scale, 0);
      m.describe(d, long_name, units);
      no_value_is_nan(d);
    };
    count("runs", {static_cast<std::int64_t>(s.runs)}, -1, "runs summarised");
    scalar("p_agreement", s.p_agreement, "probability of agreement", "1");
    scalar("p_agreement_low", s.p_low, "95% Wilson interval of p_agreement, lower end", "1");
    scalar("p_agreement_high", s.p_high, "95% Wilson interval of p_agreement, upper end", "1");
    // Timings vary from run to run, so they are attributes: every dataset stays bit-identical.
    h5::attr_double(g, "wall_seconds", s.wall_seconds);
    h5::attr_double(g, "runs_per_second", s.runs_per_second);
    h5::attr_double(g, "write_seconds", s.write_seconds);
    count("outcome_count", {s.outcomes.begin(), s.outcomes.end()}, outcome, "runs by outcome");
    vector("rounds", std::vector<double>(s.rounds.begin(), s.rounds.end()), round_quantile,
           "quartiles of the round of agreement", "round");
    if (!s.deal_by.empty()) {
      std::vector<double> rounds(s.deal_by.size());
      for (std::size_t t = 0; t < rounds.size(); ++t) rounds[t] = static_cast<double>(t + 1);
      h5::Handle by_round = numeric_scale(g, "by_round", rounds);
      m.describe(by_round, "round of the talks", "round");
      vector("deal_by", s.deal_by, by_round, "share of runs with an agreement by the round", "1");
    }
    // The declared statistics (engine/statistics.hpp), each along its scale.
    std::array<h5::Handle, engine::kAlongs> scales;
    auto scale_of = [&](engine::Along along, std::size_t n) -> hid_t {
      h5::Handle& h = scales[static_cast<std::size_t>(along)];
      if (h.get() >= 0) return h;
      const char* name = engine::kAlongScale[static_cast<std::size_t>(along)];
      switch (along) {
        case engine::Along::agent:
          return agent;
        case engine::Along::issue:
          return issue;
        case engine::Along::shock:
          h = h5::write_strings(g, name, m.shock_labels);
          h5::make_scale(h, name);
          h5::attr_string(h, "long_name", "shock (its trigger and effect)");
          break;
        case engine::Along::stage:
          h = numeric_scale(g, name, counting(n));
          m.describe(h, "stages of protocol.agenda agreed", "");
          break;
        case engine::Along::design:
          h = h5::write_strings(g, name, m.design_labels);
          h5::make_scale(h, name);
          h5::attr_string(h, "long_name",
                          "ceasefire design (its key in the scenario's [ceasefire.designs])");
          break;
      }
      return h;
    };
    const auto& statistics = engine::summary_statistics();
    for (std::size_t j = 0; j < statistics.size(); ++j) {
      const engine::SummaryStatistic& st = statistics[j];
      const std::vector<double>& values = s.statistics.at(j);
      if (values.empty()) continue;  // the scenario has none along it (e.g. no shocks)
      vector(st.name, values, scale_of(st.along, values.size()), st.long_name, st.units);
    }
    if (!s.survival.empty()) {
      // Whether deals hold: [group, t], t = 0..horizon rounds after the signature.
      h5::Handle group = h5::write_strings(g, "survival_group", s.survival_groups);
      h5::make_scale(group, "survival_group");
      h5::attr_string(group, "long_name", "group of deals (by the term durability.by)");
      const std::size_t width = s.survival.front().size();
      h5::Handle after = numeric_scale(g, "after_round", counting(width));
      m.describe(after, "rounds after the signature", "round");
      h5::Handle d = write_matrix(g, "survival", s.survival, width, group, after);
      m.describe(d,
                 "share of the group's deals still holding t rounds after the signature "
                 "(Kaplan-Meier; every deal is followed to the horizon)",
                 "1");
      count("survival_deals", {s.survival_deals.begin(), s.survival_deals.end()}, group,
            "deals in the group");
      h5::Handle cause = h5::write_strings(g, "breakdown_cause", {"hazard", "power-shift"});
      h5::make_scale(cause, "breakdown_cause");
      h5::attr_string(cause, "long_name", "cause of a deal's breakdown");
      count("breakdown_count", {s.breakdowns.begin(), s.breakdowns.end()}, cause,
            "deals that broke down, by cause: the hazard of their terms, the shift of power "
            "after them");
    }
    {
      h5::Handle d = write_matrix(g, "deal_quantiles", s.deal_quantiles, q.size(), issue, quantile);
      m.describe(d, "quantiles of the deal terms, natural units (histogram resolution range/65536)",
                 "");
    }
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

void RunsFile::write_grid(const std::vector<engine::Summary>& per_point) {
  try {
    // grid/: one labelled dimension per varied key (factorial; first key slowest) or a
    // `point` dimension with the keys as coordinates on it (Latin hypercube).
    Impl& m = *impl_;
    m.flush();
    const SweepLayout& layout = *m.sweep;
    h5::Handle g = h5::create_group(m.file, "grid");
    std::vector<hsize_t> grid;
    std::vector<h5::Handle> scales;
    if (layout.design == "factorial") {
      for (std::size_t j = 0; j < layout.keys.size(); ++j) {
        const auto& axis = layout.axes[j];
        h5::Handle d;
        if (layout.has_levels(j)) {
          // A key of levels: its axis is the levels' text, in the order --vary gave them.
          std::vector<std::string> labels;
          for (const double v : axis)
            labels.push_back(layout.levels[j][static_cast<std::size_t>(v)]);
          d = h5::write_strings(g, layout.keys[j], labels);
          h5::make_scale(d, layout.keys[j].c_str());
        } else {
          d = numeric_scale(g, layout.keys[j], axis);
        }
        m.describe(d, "varied key " + layout.keys[j],
                   layout.has_levels(j) ? "" : m.varied_units.at(j));
        grid.push_back(axis.size());
        scales.push_back(std::move(d));
      }
    } else {
      std::vector<std::int64_t> index(layout.points.size());
      for (std::size_t p = 0; p < index.size(); ++p) index[p] = static_cast<std::int64_t>(p);
      h5::Handle point = h5::create_dataset(g, "point", H5T_STD_I64LE, {index.size()}, {});
      h5::write_all(point, H5T_NATIVE_INT64, index.data());
      h5::make_scale(point, "point");
      h5::attr_string(point, "long_name", "point of the design (a row of it)");
      for (std::size_t j = 0; j < layout.keys.size(); ++j) {
        h5::Handle d;
        if (layout.has_levels(j)) {
          std::vector<std::string> labels;
          for (std::size_t p = 0; p < layout.points.size(); ++p)
            labels.push_back(layout.value_text(p, j));
          d = h5::write_strings(g, layout.keys[j], labels);
        } else {
          std::vector<double> values;
          for (const auto& pt : layout.points) values.push_back(pt[j]);
          d = h5::create_dataset(g, layout.keys[j], H5T_IEEE_F64LE, {values.size()}, {});
          h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
        }
        h5::attach_scale(d, point, 0);
        m.describe(d, "varied key " + layout.keys[j] + " at each point",
                   layout.has_levels(j) ? "" : m.varied_units.at(j));
      }
      grid.push_back(index.size());
      scales.push_back(std::move(point));
    }
    h5::Handle issue = h5::write_strings(g, "issue", m.issue_ids);
    h5::make_scale(issue, "issue");
    h5::attr_string(issue, "long_name", "issue id (its key in the scenario's [issues])");
    h5::Handle agent = h5::write_strings(g, "agent", m.agent_ids);
    h5::make_scale(agent, "agent");
    h5::attr_string(agent, "long_name", "agent id (its key in the scenario's [agents])");
    const std::vector<double> q(engine::kDealQuantiles.begin(), engine::kDealQuantiles.end());
    h5::Handle quantile = numeric_scale(g, "quantile", q);
    m.describe(quantile, "probability of the quantile of the deal terms", "1");

    auto write = [&](const std::string& name, const std::vector<double>& values,
                     const std::vector<std::pair<hsize_t, hid_t>>& extra,
                     const std::string& long_name, const std::string& units) {
      std::vector<hsize_t> dims = grid;
      for (const auto& e : extra) dims.push_back(e.first);
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, dims, {});
      h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      for (std::size_t j = 0; j < scales.size(); ++j)
        h5::attach_scale(d, scales[j], static_cast<unsigned>(j));
      for (std::size_t j = 0; j < extra.size(); ++j) {
        h5::attach_scale(d, extra[j].second, static_cast<unsigned>(scales.size() + j));
      }
      m.describe(d, long_name, units);
      no_value_is_nan(d);
    };
    std::vector<double> p, lo, hi, median, deal_q;
    for (const auto& sm : per_point) {
      p.push_back(sm.p_agreement);
      lo.push_back(sm.p_low);
      hi.push_back(sm.p_high);
      median.push_back(sm.rounds[1]);
      for (const auto& row : sm.deal_quantiles) deal_q.insert(deal_q.end(), row.begin(), row.end());
    }
    write("p_agreement", p, {}, "probability of agreement", "1");
    write("p_agreement_low", lo, {}, "95% Wilson interval of p_agreement, lower end", "1");
    write("p_agreement_high", hi, {}, "95% Wilson interval of p_agreement, upper end", "1");
    write("rounds_median", median, {}, "median round of agreement", "round");
    write("deal_quantiles", deal_q, {{m.n_issues, issue}, {q.size(), quantile}},
          "quantiles of the deal terms, natural units", "");
    // The declared statistics marked in_grid, along agents or issues.
    const auto& statistics = engine::summary_statistics();
    for (std::size_t j = 0; j < statistics.size(); ++j) {
      const engine::SummaryStatistic& st = statistics[j];
      if (!st.in_grid) continue;
      if (st.along != engine::Along::agent && st.along != engine::Along::issue)
        throw std::logic_error(std::string(st.name) + ": grid/ has agents and issues only");
      const bool by_agent = st.along == engine::Along::agent;
      const std::size_t n = by_agent ? m.n_agents : m.n_issues;
      std::vector<double> values;
      for (const auto& sm : per_point) {
        const std::vector<double>& v = sm.statistics.at(j);
        if (v.size() != n) throw std::logic_error(std::string(st.name) + ": one value per point");
        values.insert(values.end(), v.begin(), v.end());
      }
      write(st.name, values, {{n, by_agent ? agent.get() : issue.get()}}, st.long_name, st.units);
    }
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

void RunsFile::write_sensitivity(const engine::Sensitivity& sensitivity) {
  try {
    Impl& m = *impl_;
    h5::Handle g(H5Gopen2(m.file, "summary", H5P_DEFAULT), H5Gclose, "group summary");
    h5::Handle parameter = h5::write_strings(g, "parameter", m.parameter_keys);
    h5::make_scale(parameter, "parameter");
    h5::attr_string(parameter, "long_name", "sampled parameter (its scenario key)");
    h5::Handle target = h5::write_strings(g, "target", sensitivity.targets);
    h5::make_scale(target, "target");
    h5::attr_string(target, "long_name", "outcome the sampled parameters are correlated with");
    h5::Handle d =
        write_matrix(g, "spearman", sensitivity.rho, sensitivity.targets.size(), parameter, target);
    m.describe(d,
               "Spearman rank correlation of each sampled parameter with agreement and, over the "
               "deals, with each deal term",
               "1");
    h5::attr_int64(d, "runs", static_cast<std::int64_t>(sensitivity.runs));
    // Each coefficient's 95% interval (Fisher's z) and the level of noise, per target.
    std::vector<std::vector<double>> low, high;
    for (const auto& row : sensitivity.rho) {
      low.emplace_back();
      high.emplace_back();
      for (std::size_t t = 0; t < row.size(); ++t) {
        const auto ci = engine::spearman_interval(row[t], sensitivity.pairs.at(t));
        low.back().push_back(ci[0]);
        high.back().push_back(ci[1]);
      }
    }
    h5::Handle lo =
        write_matrix(g, "spearman_low", low, sensitivity.targets.size(), parameter, target);
    m.describe(lo, "95% interval of spearman, lower end (Fisher's z, se 1.03/sqrt(n - 3))", "1");
    h5::Handle hi =
        write_matrix(g, "spearman_high", high, sensitivity.targets.size(), parameter, target);
    m.describe(hi, "95% interval of spearman, upper end", "1");
    std::vector<double> noise, pairs;
    for (const std::uint64_t n : sensitivity.pairs) {
      noise.push_back(engine::spearman_noise(n));
      pairs.push_back(static_cast<double>(n));
    }
    h5::Handle dn = h5::create_dataset(g, "spearman_noise", H5T_IEEE_F64LE, {noise.size()}, {});
    h5::write_all(dn, H5T_NATIVE_DOUBLE, noise.data());
    h5::attach_scale(dn, target, 0);
    m.describe(dn,
               "|spearman| that an unrelated parameter exceeds with probability 5%: below it, "
               "noise",
               "1");
    h5::Handle dp = h5::create_dataset(g, "spearman_pairs", H5T_STD_I64LE, {pairs.size()}, {});
    std::vector<std::int64_t> counts(sensitivity.pairs.begin(), sensitivity.pairs.end());
    h5::write_all(dp, H5T_NATIVE_INT64, counts.data());
    h5::attach_scale(dp, target, 0);
    m.describe(dp, "pairs each target's coefficients are computed from (runs, or deals)", "");
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

}  // namespace parley::io
