// Scenario files: TOML (toml++) to a validated Scenario. The Loader reads each table of the
// file through a Reader (toml_reader.hpp), after any --set overrides (overrides.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "overrides.hpp"
#include "parley/scenario/load.hpp"
#include "toml_reader.hpp"

namespace parley::scenario {
namespace {

// The narrowest issue range, relative to its magnitude (see read_issues).
constexpr double kMinRelativeWidth = 1e-9;
// The most sampled parameters a scenario may have (see check_cross_references).
constexpr std::size_t kMaxSampled = 4000;

using namespace detail;

class Loader {
 public:
  Loader(Context& ctx, Scenario& s) : ctx_(ctx), s_(s) {}

  void load(const toml::table& root) {
    Reader r(ctx_, root, "");
    read_header(r);
    read_run(r);
    read_issues(r);
    check_aggregation();
    read_agents(r);
    read_constraints(r);
    read_protocol(r);
    read_battlefield(r);
    read_durability(r);
    read_ceasefire(r);
    read_expected_drifts(r);
    read_shocks(r);
    read_sweep(r);
    r.finish("table");
    check_cross_references(root);
  }

 private:
  std::vector<std::string> issue_ids() const {
    std::vector<std::string> ids;
    for (const auto& i : s_.issues) ids.push_back(i.id);
    return ids;
  }

  void read_header(Reader& r) {
    const toml::table* t = r.subtable("scenario", true);
    if (!t) return;
    Reader h(ctx_, *t, "scenario");
    s_.name = h.string("name", true).value_or("");
    // The name makes the default output path (NAME.h5 in the working folder): a file name.
    const bool file_name = !s_.name.empty() && s_.name.size() <= 100 && s_.name[0] != '.' &&
                           std::all_of(s_.name.begin(), s_.name.end(), [](char c) {
                             return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
                           });
    if (t->contains("name") && t->get("name")->is_string() && !file_name) {
      ctx_.error(t->get("name")->source(), "scenario.name",
                 "\"" + s_.name + "\" is not a file name",
                 "allowed: up to 100 letters, digits, '_', '-' and '.', not starting with '.' (it "
                 "names the default output file)");
    }
    s_.title = h.string("title", false).value_or(s_.name);
    h.string("description", false);
    s_.space =
        h.string("space", false, {"box", "pie"}).value_or("box") == "pie" ? Space::pie : Space::box;
    s_.aggregation = h.string("aggregation", false, {"sum", "mean"}).value_or("sum") == "mean"
                         ? Aggregation::mean
                         : Aggregation::sum;
    if (const toml::node* n = t->get("aggregation")) aggregation_at_ = n->source();
    h.finish();
  }

  void read_run(Reader& r) {
    const toml::table* t = r.subtable("run", false);
    if (!t) return;
    Reader h(ctx_, *t, "run");
    s_.runs =
        static_cast<std::uint64_t>(h.integer("runs", false, 1, 1'000'000'000'000).value_or(1000));
    s_.seed = static_cast<std::uint64_t>(
        h.integer("seed", false, 0, std::numeric_limits<std::int64_t>::max()).value_or(1));
    h.finish();
  }

  bool check_id(const toml::table& parent, const std::string& id, const std::string& path) {
    if (valid_id(id)) return true;
    const toml::node* n = parent.get(id);
    ctx_.error(n->source(), path, "invalid id \"" + id + "\"",
               "allowed: lower-case letters, digits, '_' and '-', starting with a letter");
    return false;
  }

  // kind = "options" (options = ["a", "b", ...]) or "clause" (out or in). Positions are
  // option indices: the natural range is [0, n - 1].
  // The mean aggregation needs clauses only; otherwise it is reported once, and the agents
  // are read as under the sum so that their weights raise nothing more.
  void check_aggregation() {
    if (s_.aggregation != Aggregation::mean) return;
    for (const Issue& issue : s_.issues) {
      if (issue.kind != IssueKind::clause) {
        ctx_.error(aggregation_at_, "scenario.aggregation",
                   "issue " + issue.id + " is not a clause",
                   "allowed: aggregation = \"mean\" when every issue is a clause");
        s_.aggregation = Aggregation::sum;
        return;
      }
    }
  }

  // Returns false when the options themselves are in error.
  bool read_discrete_issue(Reader& h, const toml::table& t, const std::string& kind, Issue& issue) {
    bool ok = true;
    if (kind == "clause") {
      issue.kind = IssueKind::clause;
      issue.options = {"out", "in"};
    } else {
      issue.kind = IssueKind::options;
      const toml::node* n = h.take("options");
      const std::string allowed = "allowed: an array of at least 2 distinct option names";
      const toml::array* arr = n ? n->as_array() : nullptr;
      if (!n) {
        h.missing("options", allowed.substr(9));
      } else if (!arr || arr->size() < 2) {
        ctx_.error(n->source(), h.path("options"), "expected at least 2 option names", allowed);
      } else {
        std::set<std::string> seen;  // (a linear search was quadratic in the options)
        for (const toml::node& o : *arr) {
          const auto name = o.value<std::string>();
          if (!o.is_string() || name->empty() || !seen.insert(*name).second) {
            ctx_.error(o.source(), h.path("options"),
                       o.is_string() ? "option \"" + *name + "\" is empty or repeated"
                                     : std::string("expected a string, got ") + type_name(o),
                       allowed);
            issue.options.clear();
            break;
          }
          issue.options.push_back(*name);
        }
      }
      if (issue.options.size() < 2) {
        ok = false;
        issue.options = {"?", "??"};
      }
    }
    if (const toml::node* rn = t.get("range")) {
      ctx_.error(rn->source(), h.path("range"), "not allowed for a discrete issue",
                 "a discrete issue's positions are its options");
      h.take("range");
    }
    issue.lo = 0.0;
    issue.hi = static_cast<double>(issue.options.size() - 1);
    if (issue.unit.empty()) issue.unit = "option";
    issue.status_quo = 0.0;
    if (const toml::node* sq = h.take("status_quo"); sq && ok) {
      issue.status_quo = option_of(*sq, h.path("status_quo"), issue).value_or(0.0);
    }
    h.finish();
    return ok;
  }

  // A position on a discrete issue: an option name, true/false for a clause, or an index.
  std::optional<double> option_of(const toml::node& n, const std::string& key, const Issue& issue) {
    std::string names;
    for (const auto& o : issue.options) names += (names.empty() ? "\"" : ", \"") + o + "\"";
    const std::string allowed =
        "allowed: one of " + names + (issue.kind == IssueKind::clause ? ", or true/false" : "");
    if (const auto name = n.value<std::string>(); n.is_string()) {
      if (const auto j = issue.option_index(*name)) return static_cast<double>(*j);
      const std::string hint = closest_match(*name, issue.options);
      ctx_.error(n.source(), key, "unknown option \"" + *name + "\"",
                 allowed + (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
      return std::nullopt;
    }
    if (issue.kind == IssueKind::clause && n.is_boolean()) return *n.value<bool>() ? 1.0 : 0.0;
    if (n.is_integer()) {
      const auto v = *n.value<std::int64_t>();
      if (v >= 0 && v <= static_cast<std::int64_t>(issue.options.size()) - 1) {
        return static_cast<double>(v);
      }
      ctx_.error(n.source(), key, std::to_string(v) + " is not an option index", allowed);
      return std::nullopt;
    }
    ctx_.error(n.source(), key, std::string("expected an option, got ") + type_name(n), allowed);
    return std::nullopt;
  }

  // A position given for issue `issue`: a number or distribution on a continuous issue; one
  // option (fixed) on a discrete one.
  std::optional<Param> position_node(Reader& pr, const toml::node& n, const std::string& key,
                                     const Issue& issue) {
    if (!issue.discrete()) return pr.param_node(n, key, issue.lo, issue.hi);
    const auto option = option_of(n, key, issue);
    if (!option) return std::nullopt;
    return Param{Distribution::fixed(*option), key, ctx_.at(n.source()), issue.lo, issue.hi};
  }

  void read_issues(Reader& r) {
    const toml::table* t = r.subtable("issues", true);
    if (!t) return;
    Reader all(ctx_, *t, "issues");
    if (t->empty()) {
      ctx_.error(t->source(), "issues", "no issues defined", "allowed: at least one issue");
    }
    for (const std::string& id : keys_in_file_order(*t)) {
      const toml::table* it = all.subtable(id, true);
      if (!it) continue;
      check_id(*t, id, "issues." + id);  // reported, but the issue stays known: no cascade
      Reader h(ctx_, *it, "issues." + id);
      Issue issue;
      issue.id = id;
      issue.where = ctx_.at(it->source());
      issue.label = h.string("label", false).value_or(id);
      issue.unit = h.string("unit", false).value_or("");
      const auto kind_given = h.string("kind", false, {"continuous", "options", "clause"});
      const std::string kind = kind_given.value_or("continuous");
      if (it->contains("kind") && !kind_given) {
        // Reported; the rest of the issue's definition depends on its kind.
        for (const char* key : {"range", "status_quo", "options"}) h.take(key);
        h.finish();
        issue.lo = -kUnbounded;
        issue.hi = kUnbounded;
        s_.issues.push_back(issue);
        broken_issue_.push_back(true);
        continue;
      }
      if (kind != "continuous") {
        const bool ok = read_discrete_issue(h, *it, kind, issue);
        s_.issues.push_back(issue);
        broken_issue_.push_back(!ok);
        continue;
      }
      std::optional<std::pair<double, double>> range;
      if (const toml::node* rn = h.take("range")) {
        range = h.interval_node(*rn, h.path("range"), -kUnbounded, kUnbounded, true);
        // Positions map to the unit scale by (x − lo) / (hi − lo): a range narrower than 1e-9
        // of its magnitude leaves no precision (and one of 1e-310 makes every utility NaN).
        if (range && range->second - range->first <
                         kMinRelativeWidth *
                             std::max({1.0, std::abs(range->first), std::abs(range->second)})) {
          ctx_.error(rn->source(), h.path("range"),
                     "[" + fmt(range->first) + ", " + fmt(range->second) + "] is too narrow",
                     "allowed: hi - lo at least 1e-9 times max(1, |lo|, |hi|)");
          range.reset();
        }
      } else {
        h.missing("range", "[lo, hi] with lo < hi");
      }
      // Without a valid range the issue stays known, on an unbounded placeholder range, so
      // that what refers to it reports nothing more than the range's own error.
      std::tie(issue.lo, issue.hi) = range.value_or(std::make_pair(-kUnbounded, kUnbounded));
      auto sq = h.number("status_quo", true, issue.lo, issue.hi);
      h.finish();
      issue.status_quo = sq.value_or(issue.lo);
      s_.issues.push_back(issue);
      broken_issue_.push_back(false);
    }
    all.finish();
  }

  // Reads a table keyed by issue id; calls `each` for every issue present.
  template <typename F>
  void per_issue(const toml::table& t, const std::string& path, F&& each) {
    if (s_.issues.empty()) return;  // already an error; every id would be reported as unknown
    Reader r(ctx_, t, path);
    for (std::size_t k = 0; k < s_.issues.size(); ++k) {
      const toml::node* n = r.take(s_.issues[k].id);
      if (n && !broken_issue_[k]) each(k, *n, r.path(s_.issues[k].id), r);
    }
    r.finish("issue");
  }

  void read_shape(Agent& a, const toml::node& n, const std::string& path) {
    const std::vector<std::string> names = {"linear", "quadratic"};
    auto simple = [&](const toml::node& node,
                      const std::string& key) -> std::optional<model::Shape> {
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

  // [[constraints]]: excludes = ["a", "b", ...] (not all in the text at once) or
  // requires = ["a", "b"] (a only with b). An item is a clause id (the clause is in) or
  // "issue=option".
  void read_constraints(Reader& r) {
    const toml::node* n = r.take("constraints");
    if (!n) return;
    const toml::array* list = n->as_array();
    const std::string allowed =
        "allowed: [[constraints]] tables with excludes = [\"a\", \"b\", ...] or requires = "
        "[\"a\", \"b\"]; an item is a clause id or \"issue=option\"";
    if (!list || !list->is_array_of_tables()) {
      ctx_.error(n->source(), "constraints",
                 std::string("expected an array of tables, got ") + type_name(*n), allowed);
      return;
    }
    for (std::size_t j = 0; j < list->size(); ++j) {
      const toml::table& t = *list->get(j)->as_table();
      const std::string path = "constraints[" + std::to_string(j) + "]";
      Reader h(ctx_, t, path);
      const toml::node* ex = h.take("excludes");
      const toml::node* rq = h.take("requires");
      h.finish();
      if ((ex != nullptr) == (rq != nullptr)) {
        ctx_.error(t.source(), path,
                   ex ? "both excludes and requires" : "neither excludes nor requires", allowed);
        continue;
      }
      const toml::node& items = ex ? *ex : *rq;
      const std::string key = path + (ex ? ".excludes" : ".requires");
      const toml::array* arr = items.as_array();
      if (!arr || arr->size() < 2 || (rq && arr->size() != 2)) {
        ctx_.error(items.source(), key,
                   rq ? "expected 2 items [a, b]: a only with b" : "expected at least 2 items",
                   allowed);
        continue;
      }
      Constraint c;
      c.kind = ex ? Constraint::Kind::excludes : Constraint::Kind::only_with;
      c.where = ctx_.at(items.source());
      bool ok = true;
      for (const toml::node& item : *arr) {
        const auto text = item.value<std::string>();
        if (!item.is_string()) {
          ctx_.error(item.source(), key, std::string("expected a string, got ") + type_name(item),
                     allowed);
          ok = false;
          break;
        }
        const auto eq = text->find('=');
        const std::string id = text->substr(0, eq);
        const auto ids = issue_ids();
        const auto at = std::find(ids.begin(), ids.end(), id);
        if (at == ids.end()) {
          const std::string hint = closest_match(id, ids);
          ctx_.error(
              item.source(), key, "unknown issue \"" + id + "\"",
              "allowed: " + join(ids) + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
          ok = false;
          break;
        }
        const auto k = static_cast<std::size_t>(at - ids.begin());
        const Issue& issue = s_.issues[k];
        Literal lit{k, 1};
        if (!issue.discrete()) {
          ctx_.error(item.source(), key, "\"" + id + "\" is a continuous issue",
                     "allowed: clauses and options of discrete issues");
          ok = false;
          break;
        }
        if (eq == std::string::npos) {
          if (issue.kind != IssueKind::clause) {
            ctx_.error(item.source(), key, "\"" + id + "\" has options: name one",
                       "allowed: \"" + id + "=OPTION\"");
            ok = false;
            break;
          }
        } else {
          const std::string option = text->substr(eq + 1);
          const auto o = issue.option_index(option);
          if (!o) {
            ctx_.error(item.source(), key, "unknown option \"" + option + "\" of " + id,
                       "allowed: " + join(issue.options));
            ok = false;
            break;
          }
          lit.option = *o;
        }
        c.literals.push_back(lit);
        c.text += (c.text.empty() ? "" : ", ") + *text;
      }
      if (ok) s_.constraints.push_back(std::move(c));
    }
  }

  // values.<issue>: per option of an options issue, [v_1, ..., v_n]; for a clause its value
  // when in (out: 0) or [out, in]. Each a number or a distribution in [0, 1]. The agent's
  // value function of the issue is then piecewise-linear through (option index, value).
  void read_values(Agent& a, std::size_t k, const toml::node& v, const std::string& key,
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
  void read_red_line(std::vector<std::optional<RedLine>>& into, std::size_t k, const toml::node& v,
                     const std::string& key, Reader& pr) {
    const Issue& issue = s_.issues[k];
    const std::string allowed = "allowed: [lo, hi] with " + fmt(issue.lo) +
                                " <= lo <= hi <= " + fmt(issue.hi) +
                                "; either end may be a distribution";
    if (issue.discrete() && !v.is_array()) {
      // One acceptable option (a clause that must be in, or out).
      if (auto only = position_node(pr, v, key, issue)) into[k] = RedLine{*only, *only};
      return;
    }
    const toml::array* arr = v.as_array();
    if (!arr || arr->size() != 2) {
      ctx_.error(v.source(), key,
                 arr ? "expected 2 values, got " + std::to_string(arr->size())
                     : std::string("expected an array, got ") + type_name(v),
                 allowed);
      return;
    }
    auto lo = position_node(pr, (*arr)[0], key + ".lo", issue);
    auto hi = position_node(pr, (*arr)[1], key + ".hi", issue);
    if (!lo || !hi) return;
    if (lo->central() > hi->central()) {
      ctx_.error(v.source(), key,
                 "[" + fmt(lo->central()) + ", " + fmt(hi->central()) + "] is empty", allowed);
      return;
    }
    into[k] = RedLine{*lo, *hi};
  }

  void read_agents(Reader& r) {
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
      a.power = h.param_or("power", 0.0, kUnbounded, 1.0);
      a.discount = h.param_or("discount", 0.0, 1.0, 1.0);
      a.assertiveness = h.param_or("assertiveness", 0.0, 1.0, 0.3);
      a.reservation = h.param("reservation", false, 0.0, 1.0);
      a.war_cost = h.param("war_cost", false, 0.0, 1.0);
      // Its range is the battlefield issue's span, known once [battlefield] is read.
      if (const toml::node* d = h.take("expected_drift"))
        expected_drift_nodes_.emplace_back(s_.agents.size(), d);
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
            ctx_.error(ideal_node->source(), path + ".ideal." + s_.issues[k].id, "missing",
                       allowed);
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
      a.concession_beta = h.param_or("concession_beta", 0.01, 100.0, 1.0);
      read_tactics(a, h, *at, path);
      h.finish();
      s_.agents.push_back(std::move(a));
    }
    all.finish();
  }

  // veto_issues = ["assets", ...]: issue ids, at least one, each once.
  void read_veto_issues(Agent& a, const toml::node& n, const std::string& key) {
    std::vector<bool> listed(s_.issues.size(), false);
    a.veto_issues = read_issue_ids(n, key, listed);
  }

  // An array of issue ids, at least one; an id already `listed` (here or before) is an error.
  std::vector<std::size_t> read_issue_ids(const toml::node& n, const std::string& key,
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

  // tactics = { time, resource, relative_tit_for_tat, absolute_tit_for_tat } (weights), endurance,
  // aspiration and aspiration_limit (docs/model.md, "Concession").
  void read_tactics(Agent& a, Reader& h, const toml::table& at, const std::string& path) {
    if (const toml::table* tt = h.subtable("tactics", false)) {
      Reader tr(ctx_, *tt, path + ".tactics");
      // Once the table is given its weights are the mix: an absent time weight is 0.
      a.tactic_time = tr.param("time", false, 0.0, 1000.0, 0.0);
      a.tactic_resource = tr.param("resource", false, 0.0, 1000.0);
      a.tactic_relative = tr.param("relative_tit_for_tat", false, 0.0, 1000.0);
      a.tactic_absolute = tr.param("absolute_tit_for_tat", false, 0.0, 1000.0);
      tr.finish();
      double total = 0.0;
      for (const auto* p :
           {&a.tactic_time, &a.tactic_resource, &a.tactic_relative, &a.tactic_absolute})
        total += *p ? (*p)->central() : 0.0;
      if (total <= 0.0)
        ctx_.error(tt->source(), path + ".tactics", "all weights are zero",
                   "allowed: non-negative weights with a positive sum");
    }
    a.endurance = h.param("endurance", false, 0.0, 1000.0);
    a.aspiration = h.param("aspiration", false, 0.0, 1.0);
    a.aspiration_limit = h.param("aspiration_limit", false, 0.0, 1.0);
    if (a.tactic_resource && a.tactic_resource->central() > 0.0 && !at.contains("endurance")) {
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

  void read_protocol(Reader& r) {
    const toml::table* t = r.subtable("protocol", true);
    if (!t) return;
    Reader h(ctx_, *t, "protocol");
    Protocol& p = s_.protocol;
    const std::string kind =
        h.string("kind", false, {"mediated", "alternating", "nash", "kalai"}).value_or("mediated");
    p.kind = kind == "alternating" ? ProtocolKind::alternating
             : kind == "nash"      ? ProtocolKind::nash
             : kind == "kalai"     ? ProtocolKind::kalai
                                   : ProtocolKind::mediated;
    p.recognition = h.string("recognition", false, {"power", "order"}).value_or("power") == "order"
                        ? Recognition::order
                        : Recognition::power;
    const std::string decision =
        h.string("decision", false, {"unanimity", "majority"}).value_or("unanimity");
    std::size_t parties = 0;
    for (const Agent& a : s_.agents) parties += a.role == Role::party;
    const auto quota =
        h.integer("quota", false, 1, static_cast<std::int64_t>(std::max<std::size_t>(parties, 1)));
    // Unanimity: every veto player must accept (and no one else need); majority: a quota of
    // the parties, the proposer included, by default a simple majority.
    p.quota = quota ? static_cast<int>(*quota)
                    : (decision == "majority" ? static_cast<int>(parties / 2 + 1) : 1);
    p.unanimity = decision == "unanimity";
    if (quota && decision == "unanimity") {
      ctx_.error(
          t->get("quota")->source(), "protocol.quota", "a quota goes with a majority rule",
          "allowed: decision = \"majority\" with a quota; unanimity needs every veto player");
    }
    p.revision = h.string("revision", false, {"nash", "weighted_mean"}).value_or("nash") == "nash"
                     ? Revision::nash
                     : Revision::weighted_mean;
    const std::string information =
        h.string("information", false, {"complete", "prior", "learning"}).value_or("complete");
    p.information = information == "prior"      ? Information::prior
                    : information == "learning" ? Information::learning
                                                : Information::complete;
    p.sessions = h.string("sessions", false, {"separate", "joint"}).value_or("separate") == "joint"
                     ? Sessions::joint
                     : Sessions::separate;
    p.max_rounds = static_cast<int>(h.integer("max_rounds", false, 1, 100000).value_or(24));
    p.walkout_patience =
        static_cast<int>(h.integer("walkout_patience", false, 1, 100000).value_or(3));
    p.revision_steps = static_cast<int>(h.integer("revision_steps", false, 1, 10000).value_or(24));
    p.clause_changes = static_cast<int>(h.integer("clause_changes", false, 1, 1000).value_or(1));
    p.bracketing = h.boolean("bracketing").value_or(false);
    p.bracket_after = static_cast<int>(h.integer("bracket_after", false, 1, 100000).value_or(6));
    p.max_bracketed = static_cast<int>(h.integer("max_bracketed", false, 1, 100000).value_or(1));
    if (p.bracketing && p.kind != ProtocolKind::mediated) {
      ctx_.error(t->get("bracketing")->source(), "protocol.bracketing",
                 "only a mediator brackets issues",
                 "allowed: bracketing = true with kind = \"mediated\"");
    }
    // agenda = [["guarantees"], ["territory", "ceasefire"]]: stages, each issue at most once;
    // the issues left out form a last stage (docs/model.md, "Agendas in stages").
    if (const toml::node* an = h.take("agenda")) {
      const toml::array* stages = an->as_array();
      const std::string allowed =
          "allowed: an array of stages, each an array of issue ids, every issue in one stage at "
          "most";
      std::vector<bool> listed(s_.issues.size(), false);
      if (!stages || stages->empty()) {
        ctx_.error(
            an->source(), "protocol.agenda",
            stages ? std::string("empty") : std::string("expected an array, got ") + type_name(*an),
            allowed);
      } else {
        for (std::size_t j = 0; j < stages->size(); ++j)
          p.agenda.push_back(read_issue_ids(*stages->get(j),
                                            "protocol.agenda[" + std::to_string(j) + "]", listed));
        std::vector<std::size_t> rest;
        for (std::size_t k = 0; k < listed.size(); ++k) {
          if (!listed[k]) rest.push_back(k);
        }
        if (!rest.empty()) p.agenda.push_back(rest);
      }
      if (p.kind == ProtocolKind::alternating) {
        ctx_.error(an->source(), "protocol.agenda", "alternating offers take no agenda",
                   "allowed: an agenda with kind = \"mediated\", \"nash\" or \"kalai\"");
      }
      if (p.bracketing) {
        ctx_.error(an->source(), "protocol.agenda",
                   "an agenda and bracketing both set the issues aside",
                   "allowed: one of agenda and bracketing = true");
      }
    }
    p.binding = h.boolean("binding").value_or(true);
    p.mediator_stake = h.param_or("mediator_stake", 0.0, 1000.0, 0.0);
    p.trust_region = h.param_or("trust_region", 0.0, 1.0, 0.1);
    p.batna_noise = h.param_or("batna_noise", 0.0, 1.0, 0.0);
    p.step = h.param_or("step", 0.0, 1.0, 0.5);
    p.first_draft.resize(s_.issues.size());
    std::vector<bool> seen(s_.issues.size(), false);
    const bool needs_draft = p.kind == ProtocolKind::mediated;
    for (std::size_t k = 0; k < s_.issues.size(); ++k) {
      p.first_draft[k] = Param{Distribution::fixed(s_.issues[k].status_quo),
                               "protocol.first_draft." + s_.issues[k].id, ctx_.at(t->source()),
                               s_.issues[k].lo, s_.issues[k].hi};
    }
    if (const toml::table* ft = h.subtable("first_draft", needs_draft)) {
      per_issue(*ft, "protocol.first_draft",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  if (auto prm = position_node(pr, v, key, s_.issues[k])) {
                    p.first_draft[k] = *prm;
                    seen[k] = true;
                  }
                });
      for (std::size_t k = 0; k < s_.issues.size(); ++k) {
        // A discrete issue left out of the draft starts at its status quo (a clause: out).
        if (needs_draft && !seen[k] && !ft->contains(s_.issues[k].id) && !s_.issues[k].discrete() &&
            !broken_issue_[k]) {
          ctx_.error(ft->source(), "protocol.first_draft." + s_.issues[k].id, "missing",
                     "required: a position for every issue, in [" + fmt(s_.issues[k].lo) + ", " +
                         fmt(s_.issues[k].hi) + "]");
        }
      }
    }
    h.finish();
  }

  // [[shocks]]: when a trigger fires (round, after_rejections with by, front_above,
  // front_below or no_deal_by; exactly one), the parameter `key` takes `value`, or has it added
  // or is multiplied by it (`op`); docs/model.md, "Shocks and triggers".
  void read_shocks(Reader& r) {
    const toml::node* n = r.take("shocks");
    if (!n) return;
    const toml::array* list = n->as_array();
    const std::string allowed_tables =
        "allowed: [[shocks]] tables with key, value, an optional op and one trigger: round, "
        "after_rejections (with by), front_above, front_below or no_deal_by";
    if (!list || !list->is_array_of_tables()) {
      ctx_.error(n->source(), "shocks",
                 std::string("expected an array of tables, got ") + type_name(*n), allowed_tables);
      return;
    }
    std::vector<std::string> keys;
    std::map<std::string, const Param*> by_key;
    for (const ParameterRef& ref : s_.parameters()) {
      if (ref.field == model::Field::salience) continue;  // weights are normalised per run
      keys.push_back(ref.param->key);
      by_key[ref.param->key] = ref.param;
    }
    std::vector<std::string> agent_ids, party_ids;
    for (const Agent& a : s_.agents) {
      agent_ids.push_back(a.id);
      if (a.role == Role::party) party_ids.push_back(a.id);
    }
    const Issue* front =
        s_.battlefield.issue < s_.issues.size() ? &s_.issues[s_.battlefield.issue] : nullptr;
    for (std::size_t j = 0; j < list->size(); ++j) {
      const toml::table& t = *list->get(j)->as_table();
      const std::string path = "shocks[" + std::to_string(j) + "]";
      Reader h(ctx_, t, path);
      Shock shock;
      const bool has_op = t.contains("op");
      const auto op_given = h.string("op", false, {"set", "add", "scale"});
      const std::string op = op_given.value_or("set");
      shock.op = op == "add" ? ShockOp::add : op == "scale" ? ShockOp::scale : ShockOp::set;
      // The trigger: exactly one.
      const char* triggers[] = {"round", "after_rejections", "front_above", "front_below",
                                "no_deal_by"};
      std::vector<std::string> given;
      for (const char* k : triggers) {
        if (t.contains(k)) given.emplace_back(k);
      }
      if (given.size() != 1) {
        ctx_.error(t.source(), path,
                   given.empty() ? "no trigger"
                                 : "more than one trigger (" + given[0] + ", " + given[1] + ")",
                   "allowed: exactly one of round, after_rejections (with by), front_above, "
                   "front_below, no_deal_by");
      }
      std::string trigger;
      if (auto round = h.integer("round", false, 1, 100000)) {
        shock.when = ShockWhen::round;
        shock.round = static_cast<int>(*round);
        trigger = "from round " + std::to_string(shock.round);
      }
      if (auto by_round = h.integer("no_deal_by", false, 1, 100000)) {
        shock.when = ShockWhen::no_deal_by;
        shock.round = static_cast<int>(*by_round);
        trigger = "if no deal by round " + std::to_string(shock.round);
      }
      const auto count = h.integer("after_rejections", false, 1, 100000);
      const auto by = h.string("by", false, agent_ids);
      if (count) {
        shock.when = ShockWhen::rejections;
        shock.count = static_cast<int>(*count);
        if (by) {
          shock.by = static_cast<std::size_t>(std::find(agent_ids.begin(), agent_ids.end(), *by) -
                                              agent_ids.begin());
          // Only parties answer texts; a mediator's "rejections" would never be counted.
          if (shock.by < s_.agents.size() && s_.agents[shock.by].role == Role::mediator) {
            ctx_.error(t.get("by")->source(), path + ".by",
                       "\"" + *by + "\" is the mediator, who answers no text and never rejects",
                       "allowed: a party, one of " + join(party_ids));
          }
        } else if (!t.contains("by"))
          h.missing("by", "the agent whose rejections count, one of the agents");
        trigger = "after " + std::to_string(shock.count) + " rejections by " + by.value_or("?");
      } else if (t.contains("by")) {
        ctx_.error(t.get("by")->source(), path + ".by", "goes with after_rejections",
                   "allowed: by = \"<agent>\" with after_rejections = K");
      }
      for (const char* side : {"front_above", "front_below"}) {
        if (!t.contains(side)) continue;
        if (!front) {
          h.take(side);
          continue;
        }
        if (auto x = h.number(side, false, front->lo, front->hi)) {
          shock.when =
              std::string(side) == "front_above" ? ShockWhen::front_above : ShockWhen::front_below;
          shock.threshold = *x;
          trigger = std::string("once the front is ") +
                    (shock.when == ShockWhen::front_above ? ">= " : "<= ") + fmt(*x);
        }
      }
      const auto key = h.string("key", true);
      const toml::node* value = h.take("value");
      h.finish();
      if (!key) continue;
      const auto it = by_key.find(*key);
      if (it == by_key.end()) {
        const std::string hint = closest_match(*key, keys);
        ctx_.error(t.get("key")->source(), path + ".key", "no parameter \"" + *key + "\"",
                   hint.empty() ? "allowed: the dotted key of any parameter but a salience, as "
                                  "parley validate lists them"
                                : "did you mean \"" + hint + "\"?");
        continue;
      }
      // A new value lies in the parameter's range; a difference within its width either way; a
      // factor is at least 0. The result is kept in the parameter's range.
      const double lo = it->second->valid_lo, hi = it->second->valid_hi;
      const double width = hi - lo;
      const double v_lo = shock.op == ShockOp::set ? lo : shock.op == ShockOp::add ? -width : 0.0;
      const double v_hi = shock.op == ShockOp::set ? hi : shock.op == ShockOp::add ? width : 1000.0;
      if (!value) {
        h.missing("value", param_allowed(v_lo, v_hi));
        continue;
      }
      if (has_op && !op_given) continue;  // its range depends on the operation
      if (auto p = h.param_node(*value, path + ".value", v_lo, v_hi)) {
        shock.key = *key;
        shock.value = *p;
        const char* sign = shock.op == ShockOp::set   ? " = "
                           : shock.op == ShockOp::add ? " += "
                                                      : " *= ";
        shock.label = *key + sign +
                      (p->dist.is_fixed() ? fmt(p->central()) : std::string("(drawn)")) + " " +
                      trigger;
        s_.shocks.push_back(std::move(shock));
      }
    }
  }

  // [sweep]: vary = ["KEY=LO:HI:N" | "KEY=A,B,C" | "KEY=LO:HI", ...], design, points.
  void read_sweep(Reader& r) {
    const toml::table* t = r.subtable("sweep", false);
    if (!t) return;
    Reader h(ctx_, *t, "sweep");
    SweepSpec spec;
    spec.where = ctx_.at(t->source());
    spec.design = h.string("design", false, {"factorial", "lhs"}).value_or("factorial");
    spec.points = static_cast<int>(h.integer("points", false, 2, 1000000).value_or(0));
    const toml::node* vary = h.take("vary");
    h.finish();
    const std::string allowed =
        "allowed: an array of \"KEY=LO:HI:N\", \"KEY=A,B,C\" or \"KEY=LO:HI\" strings";
    const toml::array* list = vary ? vary->as_array() : nullptr;
    if (!vary) {
      h.missing("vary", allowed.substr(9));
      return;
    }
    if (!list || list->empty()) {
      ctx_.error(vary->source(), "sweep.vary", "expected a non-empty array of strings", allowed);
      return;
    }
    for (const toml::node& item : *list) {
      const auto text = item.value<std::string>();
      if (!item.is_string() || text->find('=') == std::string::npos) {
        ctx_.error(item.source(), "sweep.vary", "expected \"KEY=...\"", allowed);
        return;
      }
      spec.vary.push_back(*text);
    }
    if (spec.design == "lhs" && spec.points == 0) {
      ctx_.error(t->source(), "sweep.points", "missing",
                 "required for design = \"lhs\": points >= 2");
      return;
    }
    s_.sweep = spec;
  }

  void read_battlefield(Reader& r) {
    Battlefield& b = s_.battlefield;
    const toml::table* t = r.subtable("battlefield", false);
    if (s_.issues.empty()) return;
    if (!t) {
      // No war dynamics: the front line stays at the status quo of the first issue.
      b.issue = 0;
      const Location loc{ctx_.source, 0, 0};
      const Issue& issue = s_.issues[0];
      const double span = issue.hi - issue.lo;
      b.start = Param{Distribution::fixed(issue.status_quo), "battlefield.start", loc, issue.lo,
                      issue.hi};
      b.drift = Param{Distribution::fixed(0.0), "battlefield.drift", loc, -span, span};
      b.volatility = Param{Distribution::fixed(0.0), "battlefield.volatility", loc, 0.0, span};
      return;
    }
    Reader h(ctx_, *t, "battlefield");
    // The issue the front line moves; the first issue when not named.
    auto id = h.string("issue", false, issue_ids());
    b.issue = id ? s_.issue_index(*id) : 0;
    const Issue& issue = s_.issues[b.issue];
    const double span = issue.hi - issue.lo;
    b.start = h.param_or("start", issue.lo, issue.hi, issue.status_quo);
    b.drift = h.param_or("drift", -span, span, 0.0);
    b.volatility = h.param_or("volatility", 0.0, span, 0.0);
    h.finish();
  }

  // [durability] (docs/model.md, "Whether a deal holds"): optional; without it no deal is
  // followed after its signature.
  void read_durability(Reader& r) {
    Durability& d = s_.durability;
    d.log_hazard.assign(s_.issues.size(), std::nullopt);
    const toml::table* t = r.subtable("durability", false);
    if (s_.issues.empty()) return;  // already an error; every issue named would be unknown
    const double span =
        s_.battlefield.issue < s_.issues.size()
            ? s_.issues[s_.battlefield.issue].hi - s_.issues[s_.battlefield.issue].lo
            : 1.0;
    const Location loc{ctx_.source, 0, 0};
    if (!t) {
      d.base_hazard = Param{Distribution::fixed(0.0), "durability.base_hazard", loc, 0.0, 1.0};
      d.power_shift = Param{Distribution::fixed(0.0), "durability.power_shift", loc, -span, span};
      return;
    }
    Reader h(ctx_, *t, "durability");
    d.horizon = static_cast<int>(h.integer("horizon", true, 1, 100000).value_or(0));
    d.base_hazard = h.param_or("base_hazard", 0.0, 1.0, 0.0);
    d.power_shift = h.param_or("power_shift", -span, span, 0.0);
    if (const toml::table* lt = h.subtable("log_hazard", false)) {
      per_issue(*lt, "durability.log_hazard",
                [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                  d.log_hazard[k] = pr.param_node(v, key, -20.0, 20.0);
                });
    }
    if (auto by = h.string("by", false, issue_ids())) d.by = s_.issue_index(*by);
    h.finish();
  }

  // [ceasefire] (docs/model.md, "Interim ceasefires"): optional; the designs by which an agreed
  // ceasefire term changes the war while the talks go on.
  void read_ceasefire(Reader& r) {
    const toml::table* t = r.subtable("ceasefire", false);
    if (!t || s_.issues.empty()) return;  // no issues: already an error
    Reader h(ctx_, *t, "ceasefire");
    Ceasefire& c = s_.ceasefire;
    if (auto id = h.string("issue", true, issue_ids())) c.issue = s_.issue_index(*id);
    const toml::table* dt = h.subtable("designs", true);
    const toml::node* in_force = h.take("in_force");
    h.finish();
    if (!dt) return;
    if (dt->empty()) {
      ctx_.error(dt->source(), "ceasefire.designs", "no designs",
                 "allowed: at least one design, e.g. [ceasefire.designs.halt] with at = ...");
    }
    if (!c.issue) return;
    const Issue& issue = s_.issues[*c.issue];
    const Issue& front = s_.issues[s_.battlefield.issue];
    const double span = front.hi - front.lo;
    Reader all(ctx_, *dt, "ceasefire.designs");
    for (const std::string& id : keys_in_file_order(*dt)) {
      const std::string path = "ceasefire.designs." + id;
      const toml::table* table = all.subtable(id, true);
      if (!table) continue;
      check_id(*dt, id, path);
      Reader d(ctx_, *table, path);
      CeasefireDesign x;
      x.id = id;
      x.label = d.string("label", false).value_or(id);
      if (issue.discrete()) {
        if (const toml::node* n = d.take("at")) {
          x.at = option_of(*n, path + ".at", issue).value_or(0.0);
        } else {
          d.missing("at", "an option of " + issue.id);
        }
      } else {
        x.at = d.number("at", true, issue.lo, issue.hi).value_or(issue.lo);
      }
      x.drift = d.number("drift", false, -span, span);
      x.volatility = d.number("volatility", false, 0.0, span);
      x.war_cost = d.number("war_cost", false, 0.0, 100.0).value_or(1.0);
      x.withdrawal = static_cast<int>(d.integer("withdrawal", false, 0, 100000).value_or(0));
      d.finish();
      for (const CeasefireDesign& other : c.designs) {
        if (other.at == x.at) {
          const toml::node* where = table->get("at");
          ctx_.error(where ? where->source() : table->source(), path + ".at",
                     "design " + id + " stands at the same term as " + other.id,
                     "allowed: one design at each term of " + issue.id);
        }
      }
      c.designs.push_back(std::move(x));
    }
    std::stable_sort(
        c.designs.begin(), c.designs.end(),
        [](const CeasefireDesign& a, const CeasefireDesign& b) { return a.at < b.at; });
    // in_force = "<design>": that ceasefire agreed before the talks, its issue settled.
    if (in_force) {
      std::vector<std::string> ids;
      for (const CeasefireDesign& d : c.designs) ids.push_back(d.id);
      const auto name = in_force->value<std::string>();
      const auto found = name ? std::find(ids.begin(), ids.end(), *name) : ids.end();
      if (!in_force->is_string() || found == ids.end()) {
        const std::string hint = name ? closest_match(*name, ids) : "";
        ctx_.error(in_force->source(), "ceasefire.in_force",
                   name ? "unknown design \"" + *name + "\""
                        : std::string("expected a string, got ") + type_name(*in_force),
                   "allowed: one of the designs (" + join(ids) + ")" +
                       (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
      } else if (s_.protocol.kind != ProtocolKind::mediated || !s_.protocol.agenda.empty()) {
        ctx_.error(in_force->source(), "ceasefire.in_force",
                   "a ceasefire in force before the talks needs the mediated protocol without an "
                   "agenda",
                   "allowed: in_force with kind = \"mediated\" and no protocol.agenda (a stage "
                   "of an agenda agrees a ceasefire during the talks)");
      } else {
        c.in_force = static_cast<std::size_t>(found - ids.begin());
      }
    }
  }

  // agents.<a>.expected_drift: a drift per round like battlefield.drift, within the
  // battlefield issue's span.
  void read_expected_drifts(Reader& r) {
    if (s_.battlefield.issue >= s_.issues.size()) return;
    const Issue& issue = s_.issues[s_.battlefield.issue];
    const double span = issue.hi - issue.lo;
    for (const auto& [agent, node] : expected_drift_nodes_) {
      if (agent >= s_.agents.size()) continue;
      Agent& a = s_.agents[agent];
      if (auto p = r.param_node(*node, "agents." + a.id + ".expected_drift", -span, span))
        a.expected_drift = *p;
    }
  }

  void check_cross_references(const toml::table& root) {
    std::size_t mediators = 0;
    std::size_t parties = 0;
    std::size_t vetoes = 0;
    for (const Agent& a : s_.agents) {
      mediators += a.role == Role::mediator;
      parties += a.role == Role::party;
      vetoes += a.veto;
    }
    const auto region = root.source();
    const toml::node* agents = root.get("agents");
    const auto& at = agents ? agents->source() : region;
    if (s_.agents.empty() || s_.issues.empty()) return;
    if (mediators > 1) {
      ctx_.error(at, "agents", std::to_string(mediators) + " agents have role = \"mediator\"",
                 "allowed: at most one mediator");
    }
    if (mediators == 0 && s_.protocol.kind == ProtocolKind::mediated) {
      ctx_.error(at, "agents",
                 "the mediated protocol needs a mediator, none has role = \"mediator\"",
                 "allowed: exactly one agent with role = \"mediator\"");
    }
    if (parties == 0) {
      ctx_.error(at, "agents", "a mediator without parties",
                 "allowed: at least one agent with role = \"party\"");
    }
    // Under alternating offers a quota decides; elsewhere only veto players do.
    if (vetoes == 0 && s_.protocol.kind != ProtocolKind::alternating) {
      ctx_.error(at, "agents", "no agent has a veto, so every text would pass at once",
                 "allowed: at least one agent with veto = true");
    }
    // Every sampled parameter is a dataset of its own, attached to the run coordinate, whose
    // list of attached datasets HDF5 keeps in one attribute of at most 64 KiB (about 4,500).
    {
      std::size_t sampled = 0;
      for (const ParameterRef& ref : s_.parameters()) sampled += !ref.param->dist.is_fixed();
      for (const Agent& a : s_.agents) {
        if (!a.salience_concentration) continue;
        for (const auto& w : a.salience) sampled += w.has_value();
      }
      if (sampled > kMaxSampled) {
        ctx_.error(region, "scenario", std::to_string(sampled) + " sampled parameters",
                   "allowed: at most " + std::to_string(kMaxSampled) +
                       " (each is a dataset of the output)");
      }
    }
    if (s_.space == Space::pie) check_pie(root);
    bool any_discrete = false;
    for (const Issue& issue : s_.issues) any_discrete = any_discrete || issue.discrete();
    if (any_discrete && s_.protocol.revision == Revision::weighted_mean &&
        s_.protocol.kind == ProtocolKind::mediated) {
      ctx_.error(root.get("protocol") ? root.get("protocol")->source() : root.source(),
                 "protocol.revision", "the weighted-mean step moves continuous issues only",
                 "allowed: revision = \"nash\" when some issue is discrete");
    }
    const Issue& front = s_.issues[s_.battlefield.issue];
    if (front.discrete() &&
        (!s_.battlefield.drift.dist.is_fixed() || !s_.battlefield.volatility.dist.is_fixed() ||
         s_.battlefield.drift.central() != 0.0 || s_.battlefield.volatility.central() != 0.0)) {
      ctx_.error(root.get("battlefield") ? root.get("battlefield")->source() : root.source(),
                 "battlefield.issue", "the front line cannot move on discrete issue " + front.id,
                 "allowed: a continuous issue for a moving front line");
    }
    // The first draft must be a text the constraints allow.
    if (s_.protocol.first_draft.size() == s_.issues.size()) {
      std::vector<double> draft;
      for (const auto& p : s_.protocol.first_draft) draft.push_back(p.central());
      for (const Constraint& c : s_.constraints) {
        if (!satisfied(c, draft)) {
          ctx_.error(root.get("protocol") ? root.get("protocol")->source() : root.source(),
                     "protocol.first_draft", "breaks the constraint [" + c.text + "]",
                     "allowed: a first draft that satisfies every [[constraints]] entry");
        }
      }
    }
  }

  // A pie (Baron & Ferejohn 1989): issues are shares in [0, 1]; each agent values only its
  // own share, linearly; only alternating offers divide a pie.
  void check_pie(const toml::table& root) {
    const auto& region = root.get("scenario") ? root.get("scenario")->source() : root.source();
    if (s_.protocol.kind != ProtocolKind::alternating) {
      ctx_.error(region, "scenario.space", "a pie is divided by alternating offers only",
                 "allowed: space = \"pie\" with protocol.kind = \"alternating\"");
    }
    for (const Issue& issue : s_.issues) {
      if (issue.lo != 0.0 || issue.hi != 1.0) {
        ctx_.error(region, "issues." + issue.id + ".range",
                   "a share of a pie must range over [0, 1]",
                   "allowed: range = [0.0, 1.0] with space = \"pie\"");
      }
    }
    std::vector<bool> owned(s_.issues.size(), false);
    s_.own_share.assign(s_.agents.size(), 0);
    for (std::size_t i = 0; i < s_.agents.size(); ++i) {
      const Agent& a = s_.agents[i];
      std::vector<std::size_t> weighed;
      for (std::size_t k = 0; k < s_.issues.size(); ++k) {
        if (a.salience[k] && !(a.salience[k]->dist.is_fixed() && a.salience[k]->central() == 0.0)) {
          weighed.push_back(k);
        }
      }
      const bool own_linear = weighed.size() == 1 && a.shape[weighed[0]] == model::Shape::linear &&
                              a.ideal[weighed[0]] && a.ideal[weighed[0]]->dist.is_fixed() &&
                              a.ideal[weighed[0]]->central() == 1.0 && !owned[weighed[0]];
      if (a.role == Role::party && !own_linear) {
        ctx_.diagnostics.push_back(
            {a.where, "agents." + a.id + ".salience",
             "in a pie each party values its own share only, linearly, with ideal 1",
             "allowed: salience on one issue no other party owns, ideal 1.0, shape linear"});
        continue;
      }
      if (!weighed.empty()) {
        s_.own_share[i] = weighed[0];
        owned[weighed[0]] = true;
      }
    }
  }

  std::vector<std::pair<std::size_t, const toml::node*>> expected_drift_nodes_;  // by agent
  Context& ctx_;
  Scenario& s_;
  toml::source_region aggregation_at_;
  // Issues whose own definition is in error: what refers to them is not checked again.
  std::vector<bool> broken_issue_;
};

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& source,
                            const std::vector<std::string>& overrides) {
  Context ctx{source, {}};
  Scenario s;
  s.source = source;
  s.toml_text = text;
  s.overrides = overrides;
  toml::table root;
  if (const auto deep = too_deep_key(text)) {
    ctx.diagnostics.push_back({{source, deep->first, deep->second},
                               "",
                               too_deep_problem(),
                               "allowed: a dotted path such as agents.russia.discount"});
    throw ScenarioError(std::move(ctx.diagnostics));
  }
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    ctx.error(e.source(), "", "TOML syntax error: " + std::string(e.description()));
    throw ScenarioError(std::move(ctx.diagnostics));
  }
  for (const std::string& assignment : overrides) apply_override(root, assignment, ctx);
  if (!ctx.diagnostics.empty()) throw ScenarioError(std::move(ctx.diagnostics));
  if (!overrides.empty()) {
    // What is run is the merged scenario: record it (comments do not survive).
    std::ostringstream merged;
    merged << "# " << source << " with";
    for (const std::string& o : overrides) merged << " --set " << o;
    merged << "\n";
    emit_in_file_order(root, "", merged);
    s.toml_text = merged.str();
  }
  // The scenario is stored whole in every file written (scenario_toml).
  if (s.toml_text.size() > kMostInputBytes) {
    ctx.error(root.source(), "",
              "the scenario is " + std::to_string(s.toml_text.size()) +
                  " bytes with its overrides, more than a file stores",
              "allowed: at most " + std::to_string(kMostInputBytes) + " bytes");
    throw ScenarioError(std::move(ctx.diagnostics));
  }
  Loader(ctx, s).load(root);
  if (!ctx.diagnostics.empty()) throw ScenarioError(std::move(ctx.diagnostics));
  return s;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::string why;
  const auto text = read_whole_file(path, why);
  if (!text) {
    throw ScenarioError(
        {Diagnostic{{path, 0, 0}, "", "cannot read the scenario file: " + why, ""}});
  }
  return load_scenario_text(*text, path, overrides);
}

}  // namespace parley::scenario
