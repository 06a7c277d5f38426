// Scenario files: TOML (toml++) to a validated Scenario. The Loader reads each table of the
// file through a Reader (toml_reader.hpp), after any --set overrides (overrides.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "loader.hpp"
#include "overrides.hpp"
#include "parley/scenario/load.hpp"
#include "toml_reader.hpp"

namespace parley::scenario {

namespace detail {

void Loader::load(const toml::table& root) {
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
  read_front_scalars(r);
  read_shocks(r);
  read_delegations(r);
  read_sweep(r);
  r.finish("table");
  check_cross_references(root);
  check_ratification(root);
  check_side_payments();
  check_instruments(root);
}

std::vector<std::string> Loader::issue_ids() const {
  std::vector<std::string> ids;
  for (const auto& i : s_.issues) ids.push_back(i.id);
  return ids;
}

void Loader::read_header(Reader& r) {
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
    ctx_.error(t->get("name")->source(), "scenario.name", "\"" + s_.name + "\" is not a file name",
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

void Loader::read_run(Reader& r) {
  const toml::table* t = r.subtable("run", false);
  if (!t) return;
  Reader h(ctx_, *t, "run");
  s_.runs =
      static_cast<std::uint64_t>(h.integer("runs", false, 1, 1'000'000'000'000).value_or(1000));
  s_.seed = static_cast<std::uint64_t>(
      h.integer("seed", false, 0, std::numeric_limits<std::int64_t>::max()).value_or(1));
  h.finish();
}

bool Loader::check_id(const toml::table& parent, const std::string& id, const std::string& path) {
  if (valid_id(id)) return true;
  const toml::node* n = parent.get(id);
  ctx_.error(n->source(), path, "invalid id \"" + id + "\"",
             "allowed: lower-case letters, digits, '_' and '-', starting with a letter");
  return false;
}

// [sweep]: vary = ["KEY=LO:HI:N" | "KEY=A,B,C" | "KEY=LO:HI", ...], design, points.
void Loader::read_sweep(Reader& r) {
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

}  // namespace detail

using namespace detail;

namespace {

Scenario load_text(const std::string& text, const std::string& source,
                   const std::vector<std::string>& overrides,
                   const std::vector<std::string>& origins, std::vector<KeyRead>* read) {
  Context ctx{source, {}, read};
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
  std::map<std::string, int> numbered;  // per origin, how many assignments came from it so far
  for (std::size_t j = 0; j < overrides.size(); ++j) {
    const bool named = j < origins.size() && !origins[j].empty();
    const std::string origin = named ? origins[j] : "--set";
    apply_override(root, overrides[j], ctx, origin, ++numbered[origin]);
  }
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

std::string read_scenario_file(const std::string& path) {
  std::string why;
  auto text = read_whole_file(path, why);
  if (!text) {
    throw ScenarioError(
        {Diagnostic{{path, 0, 0}, "", "cannot read the scenario file: " + why, ""}});
  }
  return std::move(*text);
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& source,
                            const std::vector<std::string>& overrides,
                            const std::vector<std::string>& origins) {
  return load_text(text, source, overrides, origins, nullptr);
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                            const std::vector<std::string>& origins) {
  return load_scenario_text(read_scenario_file(path), path, overrides, origins);
}

std::vector<KeyRead> keys_read(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<KeyRead> read;
  load_text(read_scenario_file(path), path, overrides, {}, &read);
  // Once each (a check may read a key again), in the order of their sources: the file's lines,
  // then each origin's (--set 1, 2, ...).
  std::stable_sort(read.begin(), read.end(), [&](const KeyRead& a, const KeyRead& b) {
    const bool fa = a.where.source == path, fb = b.where.source == path;
    if (fa != fb) return fa;
    return std::tie(a.where.source, a.where.line, a.where.column) <
           std::tie(b.where.source, b.where.line, b.where.column);
  });
  std::set<std::string> seen;
  std::vector<KeyRead> out;
  for (auto& k : read) {
    // An element of an array of tables as the key language names it: shocks.0.key, not the
    // messages' shocks[0].key.
    for (std::size_t open; (open = k.key.find('[')) != std::string::npos;) {
      const std::size_t close = k.key.find(']', open);
      if (close == std::string::npos) break;
      k.key = k.key.substr(0, open) + "." + k.key.substr(open + 1, close - open - 1) +
              k.key.substr(close + 1);
    }
    if (seen.insert(k.key).second) out.push_back(std::move(k));
  }
  return out;
}

}  // namespace parley::scenario
