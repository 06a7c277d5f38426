// [issues] and [[constraints]] of a scenario file (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "loader.hpp"

namespace parley::scenario::detail {
namespace {

// The narrowest issue range, relative to its magnitude (see read_issues).
constexpr double kMinRelativeWidth = 1e-9;

}  // namespace

// kind = "options" (options = ["a", "b", ...]) or "clause" (out or in). Positions are
// option indices: the natural range is [0, n - 1].
// The mean aggregation needs clauses only; otherwise it is reported once, and the agents
// are read as under the sum so that their weights raise nothing more.
void Loader::check_aggregation() {
  if (s_.aggregation != Aggregation::mean) return;
  for (const Issue& issue : s_.issues) {
    if (issue.kind != IssueKind::clause) {
      ctx_.error(aggregation_at_, "scenario.aggregation", "issue " + issue.id + " is not a clause",
                 "allowed: aggregation = \"mean\" when every issue is a clause");
      s_.aggregation = Aggregation::sum;
      return;
    }
  }
}

// Returns false when the options themselves are in error.
bool Loader::read_discrete_issue(Reader& h, const toml::table& t, const std::string& kind,
                                 Issue& issue) {
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
std::optional<double> Loader::option_of(const toml::node& n, const std::string& key,
                                        const Issue& issue) {
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
std::optional<Param> Loader::position_node(Reader& pr, const toml::node& n, const std::string& key,
                                           const Issue& issue) {
  if (!issue.discrete()) return pr.param_node(n, key, issue.lo, issue.hi);
  const auto option = option_of(n, key, issue);
  if (!option) return std::nullopt;
  return Param{Distribution::fixed(*option), key, ctx_.at(n.source()), issue.lo, issue.hi};
}

void Loader::read_issues(Reader& r) {
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

// [[constraints]]: excludes = ["a", "b", ...] (not all in the text at once) or
// requires = ["a", "b"] (a only with b). An item is a clause id (the clause is in) or
// "issue=option".
void Loader::read_constraints(Reader& r) {
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

}  // namespace parley::scenario::detail
