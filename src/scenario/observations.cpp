#include "parley/scenario/observations.hpp"

#include <limits>

#include "parley/scenario/load.hpp"
#include "toml_reader.hpp"

namespace parley::scenario {
namespace {

using namespace detail;

const std::vector<std::string> kStatistics = {"deal_by", "outcome", "obstacle",
                                              "answer",  "utility", "deal"};
// The outcomes as protocol::Outcome numbers them.
// As protocol::Outcome (an outcome observed is one the talks ended in: no censored run).
const std::vector<std::string> kOutcomes = {"agreement", "walk-out", "deadline", "partial",
                                            "collapse"};

class ObservationLoader {
 public:
  ObservationLoader(Context& ctx, const Scenario& s, Observations& out)
      : ctx_(ctx), s_(s), out_(out) {}

  void load(const toml::table& root) {
    Reader r(ctx_, root, "");
    r.string("title", false);
    const toml::node* list = r.take("observed");
    r.finish();
    const toml::array* items = list ? list->as_array() : nullptr;
    if (!items || items->empty() || !items->is_array_of_tables()) {
      ctx_.error(list ? list->source() : root.source(), "observed",
                 list ? "expected an array of tables" : "missing",
                 "required: at least one [[observed]] table");
      return;
    }
    for (std::size_t j = 0; j < items->size(); ++j)
      read_one(*(*items)[j].as_table(), "observed[" + std::to_string(j) + "]");
  }

 private:
  std::vector<std::string> ids(bool agents) const {
    std::vector<std::string> out;
    if (agents) {
      for (const Agent& a : s_.agents)
        if (a.role == Role::party) out.push_back(a.id);
    } else {
      for (const Issue& i : s_.issues) out.push_back(i.id);
    }
    return out;
  }

  std::size_t agent_index(const std::string& id) const {
    for (std::size_t i = 0; i < s_.agents.size(); ++i)
      if (s_.agents[i].id == id) return i;
    return 0;
  }

  // A text: "first_draft", or a table of issue = value (natural units, an option of a discrete
  // issue) with the issues it leaves out at the first draft.
  std::vector<double> text(Reader& h, const std::string& path) {
    std::vector<double> x;
    for (const Param& p : s_.protocol.first_draft) x.push_back(p.central());
    x.resize(s_.issues.size(), 0.0);
    const toml::node* n = h.take("text");
    const std::string allowed = "allowed: \"first_draft\", or a table of issue = value";
    if (!n) {
      h.missing("text", allowed.substr(9));
      return x;
    }
    if (n->is_string()) {
      if (*n->value<std::string>() != "first_draft")
        ctx_.error(n->source(), path + ".text", "unknown text \"" + *n->value<std::string>() + "\"",
                   allowed);
      return x;
    }
    const toml::table* t = n->as_table();
    if (!t) {
      ctx_.error(n->source(), path + ".text", std::string("expected a table, got ") + type_name(*n),
                 allowed);
      return x;
    }
    for (auto&& [key, value] : *t) {
      const std::string id(key.str());
      const std::string where = path + ".text." + id;
      std::size_t k = 0;
      try {
        k = s_.issue_index(id);
      } catch (const std::out_of_range&) {
        const std::string hint = closest_match(id, ids(false));
        ctx_.error(value.source(), where, "unknown issue",
                   "allowed: " + join(ids(false)) +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        continue;
      }
      const Issue& issue = s_.issues[k];
      if (issue.discrete()) {
        const auto name = value.value<std::string>();
        const auto option = name ? issue.option_index(*name) : std::nullopt;
        if (!option) {
          ctx_.error(value.source(), where, "expected an option of " + id,
                     "allowed: one of " + join(issue.options));
          continue;
        }
        x[k] = static_cast<double>(*option);
      } else if (auto v = h.number_node(value, where, issue.lo, issue.hi)) {
        x[k] = *v;
      }
    }
    return x;
  }

  void read_one(const toml::table& t, const std::string& path) {
    Reader h(ctx_, t, path);
    Observation o;
    o.where = ctx_.at(t.source());
    const auto kind = h.string("statistic", true, kStatistics);
    o.source = h.string("source", true).value_or("");
    if (const toml::node* sn = t.get("source"); sn && sn->is_string() && o.source.empty())
      ctx_.error(sn->source(), path + ".source", "empty",
                 "required: the sentence or datum it rests on");
    const auto label = h.string("label", false);
    if (!kind) return;  // its other keys depend on the statistic
    const int max_round = s_.protocol.max_rounds;
    const toml::node* vn = t.get("value");
    auto round = [&] {
      return static_cast<int>(h.integer("round", true, 1, max_round).value_or(1));
    };
    auto agent = [&] {
      const auto id = h.string("agent", true, ids(true));
      return id ? agent_index(*id) : 0;
    };
    auto scale = [&](double span) {
      const auto v = h.number("scale", true, 0.0, 1e6 * span);
      if (v && *v <= 0.0) {
        ctx_.error(t.get("scale")->source(), path + ".scale", fmt(*v) + " is not above 0",
                   "allowed: a positive number, the difference that counts as distance 1");
      }
      return v && *v > 0.0 ? *v : 1.0;
    };
    std::string name = *kind;
    if (*kind == "deal_by") {
      o.statistic = Statistic::deal_by;
      o.round = round();
      const auto v = h.boolean("value");
      if (!vn) h.missing("value", "true (a deal by then) or false");
      o.value = v.value_or(false) ? 1.0 : 0.0;
      name += ".round" + std::to_string(o.round);
    } else if (*kind == "outcome") {
      o.statistic = Statistic::outcome;
      const auto v = h.string("value", true, kOutcomes);
      o.value = v ? static_cast<double>(std::find(kOutcomes.begin(), kOutcomes.end(), *v) -
                                        kOutcomes.begin())
                  : 0.0;
    } else if (*kind == "obstacle") {
      o.statistic = Statistic::obstacle;
      o.round = round();
      name += ".round" + std::to_string(o.round);
      const auto v = h.string("value", true, ids(false));
      o.value = v ? static_cast<double>(s_.issue_index(*v)) : 0.0;
    } else if (*kind == "answer") {
      o.statistic = Statistic::answer;
      o.agent = agent();
      o.round = round();
      o.text = text(h, path);
      const auto v = h.string("value", true, {"accept", "reject"});
      o.value = v && *v == "accept" ? 1.0 : 0.0;
      name += "." + s_.agents[o.agent].id + ".round" + std::to_string(o.round);
    } else if (*kind == "utility") {
      o.statistic = Statistic::utility;
      o.agent = agent();
      o.text = text(h, path);
      o.value = h.number("value", true, -1e6, 1e6).value_or(0.0);
      o.scale = scale(1.0);
      name += "." + s_.agents[o.agent].id;
    } else {
      o.statistic = Statistic::deal;
      const auto id = h.string("issue", true, ids(false));
      o.issue = id ? s_.issue_index(*id) : 0;
      const Issue& issue = s_.issues[o.issue];
      if (issue.discrete()) {
        ctx_.error(t.source(), path + ".issue",
                   "a deal term observed on discrete issue " + issue.id,
                   "allowed: a continuous issue (a discrete term is matched exactly by "
                   "obstacle-like statistics, not yet offered)");
      }
      o.value = h.number("value", true, issue.lo, issue.hi).value_or(issue.lo);
      o.scale = scale(issue.hi - issue.lo);
      name += "." + issue.id;
    }
    o.label = label.value_or(name + "#" + std::to_string(out_.items.size()));
    h.finish();
    out_.items.push_back(std::move(o));
  }

  Context& ctx_;
  const Scenario& s_;
  Observations& out_;
};

}  // namespace

Observations load_observations_text(const std::string& text, const std::string& source,
                                    const Scenario& s) {
  Context ctx{source, {}};
  Observations out;
  out.source = source;
  out.text = text;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    ctx.error(e.source(), "", "TOML syntax error: " + std::string(e.description()));
    throw ScenarioError(std::move(ctx.diagnostics));
  }
  ObservationLoader(ctx, s, out).load(root);
  if (!ctx.diagnostics.empty()) throw ScenarioError(std::move(ctx.diagnostics));
  return out;
}

Observations load_observations_file(const std::string& path, const Scenario& s) {
  std::string why;
  const auto text = read_whole_file(path, why);
  if (!text) {
    std::vector<Diagnostic> problem(1);
    problem[0].where = Location{path, 0, 0};
    problem[0].problem = "cannot read the observations file: " + why;
    throw ScenarioError(std::move(problem));
  }
  return load_observations_text(*text, path, s);
}

}  // namespace parley::scenario
