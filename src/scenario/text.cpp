#include "parley/scenario/text.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "parley/scenario/diagnostics.hpp"
#include "parley/scenario/load.hpp"
#include "toml_reader.hpp"

namespace parley::scenario {
namespace {

std::vector<std::string> issue_ids(const Scenario& s) {
  std::vector<std::string> ids;
  for (const auto& i : s.issues) ids.push_back(i.id);
  return ids;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string range_text(const Issue& issue) {
  std::ostringstream out;
  out << "allowed: a number in [" << issue.lo << ", " << issue.hi << "]";
  return out.str();
}

// The issue index of `id`, or a diagnostic with a hint.
std::optional<std::size_t> find_issue(const Scenario& s, const std::string& id,
                                      const Location& where, std::vector<Diagnostic>& errors) {
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    if (s.issues[k].id == id) return k;
  }
  const std::string hint = closest_match(id, issue_ids(s));
  errors.push_back(
      {where, id, "unknown issue",
       "allowed: " + join(issue_ids(s)) + (hint.empty() ? "" : "; did you mean '" + hint + "'?")});
  return std::nullopt;
}

// A discrete issue's position from an option name ("in"/"out", true/false for a clause);
// nothing if `value` names no option.
std::optional<double> option_position(const Issue& issue, const std::string& value) {
  if (issue.kind == IssueKind::clause) {
    if (value == "true") return 1.0;
    if (value == "false") return 0.0;
  }
  if (const auto j = issue.option_index(value)) return static_cast<double>(*j);
  // Or the option's index, as the output files give it.
  if (const auto index = parse_number(value)) {
    if (*index == std::round(*index) && *index >= 0 &&
        *index <= static_cast<double>(issue.options.size() - 1)) {
      return *index;
    }
  }
  return std::nullopt;
}

std::string options_text(const Issue& issue) {
  return "allowed: one of " + join(issue.options) +
         (issue.kind == IssueKind::clause ? " (or true/false)" : "") + ", or its index 0-" +
         std::to_string(issue.options.size() - 1);
}

[[noreturn]] void fail(Location where, std::string key, std::string problem, std::string allowed) {
  std::vector<Diagnostic> errors;
  errors.push_back(
      Diagnostic{std::move(where), std::move(key), std::move(problem), std::move(allowed)});
  throw ScenarioError(std::move(errors));
}

}  // namespace

std::optional<double> parse_number(const std::string& text) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

void apply_text_assignment(const std::string& assignment, const Scenario& s, TextSpec& text) {
  text.resize(s.issues.size());
  const Location where{"--text", 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) {
    fail(where, assignment, "expected ISSUE=VALUE", "e.g. --text territory=0.5");
  }
  const std::string id = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  std::vector<Diagnostic> errors;
  const auto k = find_issue(s, id, where, errors);
  if (!k) throw ScenarioError(std::move(errors));
  const Issue& issue = s.issues[*k];
  if (issue.discrete()) {
    const auto option = option_position(issue, value);
    if (!option) fail(where, id, "unknown option \"" + value + "\"", options_text(issue));
    text[*k] = *option;
    return;
  }
  const auto parsed = parse_number(value);
  if (!parsed) fail(where, id, "\"" + value + "\" is not a number", range_text(issue));
  const double v = *parsed;
  if (v < issue.lo || v > issue.hi) {
    fail(where, id, value + " is out of range", range_text(issue));
  }
  text[*k] = v;
}

TextSpec read_text_file(const std::string& path, const Scenario& s) {
  std::string why;
  const auto read = read_whole_file(path, why);
  if (!read) fail({path, 0, 0}, "", "cannot read the text file: " + why, "");
  const std::string& content = *read;
  toml::table root;
  if (const auto deep = detail::too_deep_key(content)) {
    fail({path, deep->first, deep->second}, "", detail::too_deep_problem(),
         "allowed: ISSUE = VALUE");
  }
  try {
    root = toml::parse(content, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    fail({path, static_cast<int>(b.line), static_cast<int>(b.column)}, "",
         "TOML syntax error: " + std::string(e.description()), "");
  }
  TextSpec text(s.issues.size());
  std::vector<Diagnostic> errors;
  for (auto&& [key, node] : root) {
    const auto& b = node.source().begin;
    const Location where{path, static_cast<int>(b.line), static_cast<int>(b.column)};
    const std::string id(key.str());
    const auto k = find_issue(s, id, where, errors);
    if (!k) continue;
    const auto v = node.value<double>();
    const Issue& issue = s.issues[*k];
    if (issue.discrete()) {
      const auto name = node.is_boolean() ? std::string(*node.value<bool>() ? "true" : "false")
                                          : node.value<std::string>().value_or("");
      const auto option = option_position(issue, name);
      if (option) {
        text[*k] = *option;
      } else {
        errors.push_back({where, id, "unknown option \"" + name + "\"", options_text(issue)});
      }
      continue;
    }
    if (!node.is_number() || !v || !std::isfinite(*v)) {
      errors.push_back({where, id, "expected a number", range_text(issue)});
    } else if (*v < issue.lo || *v > issue.hi) {
      std::ostringstream shown;
      shown << *v;
      errors.push_back({where, id, shown.str() + " is out of range", range_text(issue)});
    } else {
      text[*k] = *v;
    }
  }
  if (!errors.empty()) throw ScenarioError(std::move(errors));
  return text;
}

}  // namespace parley::scenario
