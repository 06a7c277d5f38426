// [agents] of a scenario file: salience, positions, shapes, red lines, tactics (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "loader.hpp"

namespace parley::scenario::detail {
namespace {

// The largest logit a support curve may reach from one term (a probability within 2e-22 of 0
// or 1).
constexpr double kRatificationLogit = 50.0;

// The largest budget, cost per unit or value per unit of a side payment.
constexpr double kPaymentLimit = 100.0;

}  // namespace

void Loader::read_shape(Agent& a, const toml::node& n, const std::string& path) {
  const std::vector<std::string> names = {"linear", "quadratic"};
  auto simple = [&](const toml::node& node, const std::string& key) -> std::optional<model::Shape> {
    const auto shape =
        node.is_string() ? model::named_shape(*node.value<std::string>()) : std::nullopt;
    if (!shape) {
      std::string got =
          node.is_string() ? "\"" + *node.value<std::string>() + "\"" : type_name(node);
      std::string hint = node.is_string() ? closest_match(*node.value<std::string>(), names) : "";
      ctx_.error(node.source(), key, "unknown shape " + got,
                 "allowed: \"linear\", \"quadratic\" or {points = [[x, v], ...]}" +
                     (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?"));
      return std::nullopt;
    }
    return shape;
  };
  if (n.is_string()) {
    if (auto sh = simple(n, path)) std::fill(a.shape.begin(), a.shape.end(), *sh);
    return;
  }
  if (!n.is_table()) {
    ctx_.error(n.source(), path, std::string("expected a string or a table, got ") + type_name(n),
               "allowed: \"linear\", \"quadratic\", or a table by issue");
    return;
  }
  per_issue(*n.as_table(), path,
            [&](std::size_t k, const toml::node& v, const std::string& key, Reader&) {
              if (!v.is_table()) {
                if (auto sh = simple(v, key)) a.shape[k] = *sh;
                return;
              }
              Reader pr(ctx_, *v.as_table(), key);
              const toml::node* pts = pr.take("points");
              pr.finish();
              const Issue& issue = s_.issues[k];
              const std::string allowed =
                  "allowed: [[x, v], ...], at least 2 points, x ascending in [" + fmt(issue.lo) +
                  ", " + fmt(issue.hi) + "], v in [0, 1]";
              if (!pts) {
                pr.missing("points", "[[x, v], ...]");
                return;
              }
              const toml::array* arr = pts->as_array();
              if (!arr || arr->size() < 2) {
                ctx_.error(pts->source(), key + ".points", "expected at least 2 points", allowed);
                return;
              }
              model::PiecewiseLinear pw;
              for (const toml::node& pt : *arr) {
                const toml::array* xy = pt.as_array();
                if (!xy || xy->size() != 2) {
                  ctx_.error(pt.source(), key + ".points", "expected a point [x, v]", allowed);
                  return;
                }
                auto x = pr.number_node((*xy)[0], key + ".points", issue.lo, issue.hi);
                auto val = pr.number_node((*xy)[1], key + ".points", 0.0, 1.0);
                if (!x || !val) return;
                if (!pw.x.empty() && *x <= pw.x.back()) {
                  ctx_.error(pt.source(), key + ".points", "x values must be strictly ascending",
                             allowed);
                  return;
                }
                pw.x.push_back(*x);
                pw.v.push_back(*val);
              }
              a.shape[k] = model::Shape::piecewise;
              a.piecewise[k] = std::move(pw);
            });
}

// values.<issue>: per option of an options issue, [v_1, ..., v_n]; for a clause its value
// when in (out: 0) or [out, in]. Each a number or a distribution in [0, 1]. The agent's
// value function of the issue is then piecewise-linear through (option index, value).
void Loader::read_values(Agent& a, std::size_t k, const toml::node& v, const std::string& key,
                         Reader& pr) {
  const Issue& issue = s_.issues[k];
  if (!issue.discrete()) {
    ctx_.error(v.source(), key, "values are for discrete issues",
               "allowed: ideal (and shape) for a continuous issue");
    return;
  }
  const std::size_t n = issue.options.size();
  // Placeholders until the values are read, so that an error here is reported once.
  a.shape[k] = model::Shape::piecewise;
  a.values[k].assign(n, Param{Distribution::fixed(0.0), key, ctx_.at(v.source()), 0.0, 1.0});
  a.piecewise[k] = model::PiecewiseLinear{};
  for (std::size_t j = 0; j < n; ++j) {
    a.piecewise[k].x.push_back(static_cast<double>(j));
    a.piecewise[k].v.push_back(0.0);
  }
  std::vector<Param> out;
  const toml::array* arr = v.as_array();
  if (issue.kind == IssueKind::clause && !arr) {
    auto in = pr.param_node(v, key, 0.0, 1.0);
    if (!in) return;
    out = {Param{Distribution::fixed(0.0), key + ".out", ctx_.at(v.source()), 0.0, 1.0}, *in};
  } else {
    const std::string allowed = "allowed: " + std::to_string(n) +
                                " values in [0, 1], one per option in order" +
                                (issue.kind == IssueKind::clause ? ", or the value when in" : "");
    if (!arr || arr->size() != n) {
      ctx_.error(
          v.source(), key,
          arr ? "expected " + std::to_string(n) + " values, got " + std::to_string(arr->size())
              : std::string("expected an array, got ") + type_name(v),
          allowed);
      return;
    }
    for (std::size_t j = 0; j < n; ++j) {
      auto value = pr.param_node((*arr)[j], key + "." + issue.options[j], 0.0, 1.0);
      if (!value) return;
      out.push_back(*value);
    }
  }
  model::PiecewiseLinear pw;
  for (std::size_t j = 0; j < n; ++j) {
    pw.x.push_back(static_cast<double>(j));
    pw.v.push_back(out[j].central());
  }
  a.shape[k] = model::Shape::piecewise;
  a.piecewise[k] = std::move(pw);
  a.values[k] = std::move(out);
}

// red_lines.<issue> = [lo, hi]; either end a number or a distribution.
void Loader::read_red_line(std::vector<std::optional<RedLine>>& into, std::size_t k,
                           const toml::node& v, const std::string& key, Reader& pr) {
  const Issue& issue = s_.issues[k];
  const std::string allowed = "allowed: [lo, hi] or {lo = ..., hi = ...} with " + fmt(issue.lo) +
                              " <= lo <= hi <= " + fmt(issue.hi) +
                              "; either end may be a distribution";
  const toml::table* ends_table = v.as_table();
  const bool ends = ends_table && (ends_table->contains("lo") || ends_table->contains("hi"));
  if (issue.discrete() && !v.is_array() && !ends) {
    // One acceptable option (a clause that must be in, or out).
    if (auto only = position_node(pr, v, key, issue)) into[k] = RedLine{*only, *only};
    return;
  }
  // [lo, hi], or { lo = ..., hi = ... }: the names its ends have as parameters
  // (red_lines.<issue>.lo), so that a --set of one end reads as a red line.
  const toml::node* lo_node = nullptr;
  const toml::node* hi_node = nullptr;
  if (ends_table) {
    Reader r(ctx_, *ends_table, key);
    lo_node = r.take("lo");
    hi_node = r.take("hi");
    r.finish();
    if (!lo_node || !hi_node) {
      ctx_.error(v.source(), key + (lo_node ? ".hi" : ".lo"), "missing: a red line has two ends",
                 allowed);
      return;
    }
  } else if (const toml::array* arr = v.as_array(); arr && arr->size() == 2) {
    lo_node = arr->get(0);
    hi_node = arr->get(1);
  } else {
    ctx_.error(v.source(), key,
               arr ? "expected 2 values, got " + std::to_string(arr->size())
                   : std::string("expected an array, got ") + type_name(v),
               allowed);
    return;
  }
  auto lo = position_node(pr, *lo_node, key + ".lo", issue);
  auto hi = position_node(pr, *hi_node, key + ".hi", issue);
  if (!lo || !hi) return;
  if (lo->central() > hi->central()) {
    ctx_.error(v.source(), key, "[" + fmt(lo->central()) + ", " + fmt(hi->central()) + "] is empty",
               allowed);
    return;
  }
  into[k] = RedLine{*lo, *hi};
}

void Loader::read_agents(Reader& r) {
  const toml::table* t = r.subtable("agents", true);
  if (!t) return;
  Reader all(ctx_, *t, "agents");
  if (t->empty())
    ctx_.error(t->source(), "agents", "no agents defined", "allowed: at least two agents");
  const std::size_t n_issues = s_.issues.size();
  for (const std::string& id : keys_in_file_order(*t)) {
    const toml::table* at = all.subtable(id, true);
    if (!at) continue;
    check_id(*t, id, "agents." + id);
    const std::string path = "agents." + id;
    Reader h(ctx_, *at, path);
    Agent a;
    a.id = id;
    a.where = ctx_.at(at->source());
    a.name = h.string("name", false).value_or(id);
    a.role = h.string("role", false, {"party", "mediator"}).value_or("party") == "mediator"
                 ? Role::mediator
                 : Role::party;
    const auto veto = h.boolean("veto");
    a.veto = veto.value_or(a.role == Role::party);
    if (const toml::node* vi = h.take("veto_issues")) {
      read_veto_issues(a, *vi, path + ".veto_issues");
      if (veto && !*veto) {
        ctx_.error(vi->source(), path + ".veto_issues", "veto_issues with veto = false",
                   "allowed: veto_issues alone (it implies a veto over those issues) or with "
                   "veto = true");
      }
      a.veto = true;
    }
    read_scalars(a, h, path);
    if (at->contains("reservation") == at->contains("war_cost")) {
      ctx_.error(at->source(), path + ".war_cost",
                 at->contains("war_cost") ? "both reservation and war_cost are given" : "missing",
                 "required: exactly one of reservation (a fixed BATNA utility) or war_cost "
                 "(a cost per round of continued war)");
    }
    if (auto kappa = h.number("salience_concentration", false, 0.0, kUnbounded)) {
      if (*kappa <= 0.0) {
        ctx_.error(at->get("salience_concentration")->source(), path + ".salience_concentration",
                   "must be positive", "allowed: a number > 0");
      } else {
        a.salience_concentration = *kappa;
      }
    }
    a.ideal.resize(n_issues);
    a.salience.resize(n_issues);
    a.shape.assign(n_issues, model::Shape::linear);
    a.piecewise.resize(n_issues);
    a.red_line.resize(n_issues);

    a.values.resize(n_issues);
    const bool mean = s_.aggregation == Aggregation::mean;
    if (const toml::node* sh = h.take("shape")) read_shape(a, *sh, path + ".shape");
    if (const toml::table* vt = h.subtable("values", false)) {
      per_issue(*vt, path + ".values",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  read_values(a, k, v, key, pr);
                });
    }
    if (mean) {
      // The mean of the clause values: no weights (each clause in the text counts once).
      if (const toml::node* sn = h.take("salience")) {
        ctx_.error(sn->source(), path + ".salience", "not used with aggregation = \"mean\"",
                   "allowed: values = { clause = value, ... } only");
      }
      for (std::size_t k = 0; k < n_issues; ++k) {
        a.salience[k] = Param{Distribution::fixed(1.0), path + ".salience." + s_.issues[k].id,
                              a.where, 0.0, kUnbounded};
        if (a.values[k].empty() && s_.issues[k].discrete() && !broken_issue_[k]) {
          ctx_.error(at->source(), path + ".values." + s_.issues[k].id, "missing",
                     "required with aggregation = \"mean\": a value for every clause");
        }
      }
    }
    if (const toml::table* st = mean ? nullptr : h.subtable("salience", true)) {
      per_issue(*st, path + ".salience",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  a.salience[k] = pr.param_node(v, key, 0.0, kUnbounded);
                });
      double total = 0.0;
      for (const auto& w : a.salience) total += w ? w->central() : 0.0;
      if (total <= 0.0 && !st->empty() && !s_.issues.empty()) {
        ctx_.error(st->source(), path + ".salience", "all weights are zero",
                   "allowed: non-negative weights with a positive sum");
      }
    }
    // weight.<issue>: a normalised weight held fixed (the runs column of the same name).
    a.weight.resize(n_issues);
    if (const toml::table* wt = h.subtable("weight", false)) {
      if (mean) {
        ctx_.error(wt->source(), path + ".weight", "not used with aggregation = \"mean\"",
                   "allowed: values = { clause = value, ... } only");
      } else {
        double fixed = 0.0;
        per_issue(*wt, path + ".weight",
                  [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                    const auto w = pr.number_node(v, key, 0.0, 1.0);
                    if (!w) return;
                    if (!a.salience[k]) {
                      ctx_.error(v.source(), key, "the agent gives this issue no salience",
                                 "allowed: a weight for an issue with a salience");
                      return;
                    }
                    a.weight[k] = *w;
                    fixed += *w;
                  });
        bool free_left = false;
        for (std::size_t k = 0; k < n_issues; ++k)
          free_left = free_left || (a.salience[k] && !a.weight[k]);
        if (fixed > 1.0 + 1e-9 || (!free_left && std::abs(fixed - 1.0) > 1e-9)) {
          ctx_.error(wt->source(), path + ".weight", "the fixed weights sum to " + fmt(fixed),
                     free_left ? "allowed: a sum of at most 1 (the other issues share the rest)"
                               : "allowed: a sum of 1 when every weighted issue is fixed");
        }
      }
    }
    if (const toml::table* it = h.subtable("ideal", false)) {
      per_issue(*it, path + ".ideal",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  if (s_.issues[k].discrete()) {
                    ctx_.error(v.source(), key, "not allowed for a discrete issue",
                               "allowed: values = { " + s_.issues[k].id + " = ... }");
                    return;
                  }
                  if (a.shape[k] == model::Shape::piecewise) {
                    ctx_.error(v.source(), key, "not allowed for a piecewise shape",
                               "the ideal of a piecewise shape is its point of highest value");
                    return;
                  }
                  a.ideal[k] = pr.param_node(v, key, s_.issues[k].lo, s_.issues[k].hi);
                });
    }
    for (std::size_t k = 0; k < n_issues && !mean; ++k) {
      if (s_.issues[k].discrete() && !broken_issue_[k] && a.salience[k] && a.values[k].empty()) {
        ctx_.error(at->source(), path + ".values." + s_.issues[k].id, "missing",
                   "required: a value per option for every discrete issue with a salience");
      }
    }
    // Every issue the agent weighs needs an ideal (piecewise shapes carry their own).
    const toml::node* ideal_node = at->get("ideal");
    bool reported_missing_table = false;
    for (std::size_t k = 0; k < n_issues; ++k) {
      if (!a.salience[k] || a.ideal[k] || a.shape[k] == model::Shape::piecewise ||
          s_.issues[k].discrete() || broken_issue_[k])
        continue;
      const std::string allowed = "required: an ideal for every issue with a salience, in [" +
                                  fmt(s_.issues[k].lo) + ", " + fmt(s_.issues[k].hi) + "]";
      if (ideal_node && ideal_node->is_table()) {
        if (!ideal_node->as_table()->contains(s_.issues[k].id)) {
          ctx_.error(ideal_node->source(), path + ".ideal." + s_.issues[k].id, "missing", allowed);
        }
      } else if (!ideal_node && !reported_missing_table) {
        h.missing("ideal", "a table of ideal positions by issue");
        reported_missing_table = true;
      }
    }
    if (const toml::table* rt = h.subtable("red_lines", false)) {
      per_issue(*rt, path + ".red_lines",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  read_red_line(a.red_line, k, v, key, pr);
                });
    }
    // red_line_limits.<issue> = [lo, hi]: the furthest the red line concedes, by the
    // agent's concession tactic (docs/model.md, "Concession").
    a.red_line_limit.resize(n_issues);
    if (const toml::table* lt = h.subtable("red_line_limits", false)) {
      per_issue(*lt, path + ".red_line_limits",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  if (!a.red_line[k]) {
                    ctx_.error(v.source(), key, "a limit for a red line the agent does not have",
                               "allowed: limits for the issues in red_lines");
                    return;
                  }
                  read_red_line(a.red_line_limit, k, v, key, pr);
                });
    }
    a.ratify_slope.resize(n_issues);
    if (const toml::table* rt = h.subtable("ratification", false))
      read_ratification(a, *rt, path + ".ratification");
    if (const toml::table* pt = h.subtable("side_payment", false))
      read_side_payment(a, *pt, path + ".side_payment", keys_in_file_order(*t));
    check_tactics(a, *at, path);
    h.finish();
    s_.agents.push_back(std::move(a));
  }
  all.finish();
}

// ratification = { intercept = a, slope = { <issue> = b, ... } }: logits, numbers or
// distributions (docs/model.md, "Ratification at home").
void Loader::read_ratification(Agent& a, const toml::table& t, const std::string& path) {
  Reader h(ctx_, t, path);
  a.ratify_intercept = h.param("intercept", true, -kRatificationLogit, kRatificationLogit);
  if (const toml::table* st = h.subtable("slope", false)) {
    per_issue(*st, path + ".slope",
              [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                a.ratify_slope[k] = pr.param_node(v, key, -kRatificationLogit, kRatificationLogit);
              });
  }
  h.finish();
}

// side_payment = { budget = B, cost = c, to = { <agent> = v, ... } }: numbers or distributions
// (docs/model.md, "Side payments"); `ids` every agent's id, in file order.
void Loader::read_side_payment(Agent& a, const toml::table& t, const std::string& path,
                               const std::vector<std::string>& ids) {
  Reader h(ctx_, t, path);
  a.payment_budget = h.param("budget", true, 0.0, kPaymentLimit);
  a.payment_cost = h.param("cost", true, 0.0, kPaymentLimit);
  a.payment_value.assign(ids.size(), std::nullopt);
  if (const toml::table* to = h.subtable("to", true)) {
    Reader r(ctx_, *to, path + ".to");
    for (std::size_t j = 0; j < ids.size(); ++j) {
      if (const toml::node* n = r.take(ids[j]))
        a.payment_value[j] = r.param_node(*n, r.path(ids[j]), 0.0, kPaymentLimit);
    }
    r.finish("agent");
    if (to->empty())
      ctx_.error(to->source(), path + ".to", "empty", "allowed: at least one receiving agent");
  }
  h.finish();
}

// veto_issues = ["assets", ...]: issue ids, at least one, each once.
void Loader::read_veto_issues(Agent& a, const toml::node& n, const std::string& key) {
  std::vector<bool> listed(s_.issues.size(), false);
  a.veto_issues = read_issue_ids(n, key, listed);
}

// An array of issue ids, at least one; an id already `listed` (here or before) is an error.
std::vector<std::size_t> Loader::read_issue_ids(const toml::node& n, const std::string& key,
                                                std::vector<bool>& listed) {
  std::vector<std::size_t> out;
  const std::vector<std::string> ids = issue_ids();
  std::string allowed = "allowed: an array of issue ids, each at most once, from:";
  for (const auto& id : ids) allowed += " " + id;
  const toml::array* arr = n.as_array();
  if (!arr || arr->empty()) {
    ctx_.error(n.source(), key,
               arr ? std::string("empty") : std::string("expected an array, got ") + type_name(n),
               allowed);
    return out;
  }
  for (std::size_t j = 0; j < arr->size(); ++j) {
    const toml::node& e = *arr->get(j);
    const auto* id = e.as_string();
    const auto it = id ? std::find(ids.begin(), ids.end(), id->get()) : ids.end();
    const std::string at = key + "[" + std::to_string(j) + "]";
    if (!id) {
      ctx_.error(e.source(), at, std::string("expected a string, got ") + type_name(e), allowed);
    } else if (it == ids.end()) {
      const std::string hint = closest_match(id->get(), ids);
      ctx_.error(e.source(), at, "no issue \"" + id->get() + "\"",
                 hint.empty() ? allowed : "did you mean \"" + hint + "\"?");
    } else {
      const auto k = static_cast<std::size_t>(it - ids.begin());
      if (listed[k]) {
        ctx_.error(e.source(), at, "\"" + id->get() + "\" is listed twice", allowed);
      } else {
        listed[k] = true;
        out.push_back(k);
      }
    }
  }
  return out;
}

// The agent's scalar parameters, a row each of model::kAgentParameters, in its order. The
// tactics' weights come from its tactics table; once the table is given its weights are the
// mix, and an absent weight takes its row's `absent` value. A front row's range is the
// battlefield issue's span, known once [battlefield] is read (read_front_scalars).
void Loader::read_scalars(Agent& a, Reader& h, const std::string& path) {
  std::optional<Reader> tactics;
  const toml::table* tt = h.subtable("tactics", false);
  if (tt) tactics.emplace(ctx_, *tt, path + ".tactics");
  for (std::size_t j = 0; j < model::kAgentParameters.size(); ++j) {
    const model::AgentParameter& row = model::kAgentParameters[j];
    if (row.unit == model::ParameterUnit::front) {
      if (const toml::node* d = h.take(row.key)) front_nodes_.push_back({s_.agents.size(), j, d});
      continue;
    }
    Reader* from = row.tactics ? (tactics ? &*tactics : nullptr) : &h;
    if (!from) continue;
    a.scalars[j] = std::isnan(row.absent) ? from->param(row.key, false, row.lo, row.hi)
                                          : from->param_or(row.key, row.lo, row.hi, row.absent);
  }
  if (!tactics) return;
  tactics->finish();
  double total = 0.0;
  for (std::size_t j = 0; j < model::kAgentParameters.size(); ++j) {
    if (model::kAgentParameters[j].tactics && a.scalars[j]) total += a.scalars[j]->central();
  }
  if (total <= 0.0)
    ctx_.error(tt->source(), path + ".tactics", "all weights are zero",
               "allowed: non-negative weights with a positive sum");
}

// What a resource tactic, an endurance and an aspiration's limit need (docs/model.md,
// "Concession").
void Loader::check_tactics(const Agent& a, const toml::table& at, const std::string& path) {
  const auto& resource = a.scalar(model::Field::tactic_resource);
  if (resource && resource->central() > 0.0 && !at.contains("endurance")) {
    ctx_.error(at.get("tactics")->source(), path + ".endurance", "missing",
               "required with a resource tactic: the pressure (utility) the agent bears "
               "before it concedes, a number >= 0");
  }
  if (at.contains("endurance") && at.contains("reservation")) {
    ctx_.error(at.get("endurance")->source(), path + ".endurance",
               "endurance needs the war-cost BATNA",
               "allowed: endurance with war_cost (the pressure is the war's cost and the "
               "front's move), not with a fixed reservation");
  }
  if (at.contains("aspiration_limit") && !at.contains("aspiration")) {
    ctx_.error(at.get("aspiration_limit")->source(), path + ".aspiration_limit",
               "a limit for an aspiration the agent does not have",
               "allowed: aspiration_limit with aspiration");
  }
}

}  // namespace parley::scenario::detail
