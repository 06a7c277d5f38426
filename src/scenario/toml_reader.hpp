#pragma once
// Reading scenario TOML with toml++, private to parley_scenario: the problems of one load
// collected with their locations (Context), and one table read at a time (Reader), which
// remembers the keys asked for so that whatever is left over is reported as an unknown key
// with a "did you mean" hint. Problems are collected, never thrown one by one, so a user sees
// all of them.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "parley/model/agent_parameters.hpp"
#include "parley/model/names.hpp"
#include "parley/scenario/diagnostics.hpp"
#include "parley/scenario/distribution.hpp"
#include "parley/scenario/load.hpp"

namespace parley::scenario::detail {

inline constexpr double kUnbounded = model::kUnboundedParameter;

inline std::string fmt(double v) {
  std::ostringstream out;
  out.precision(6);
  out << v;
  return out.str();
}

inline std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

inline const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

// A value as TOML text, numbers as their shortest exact decimal (0.4, not toml++'s
// 0.40000000000000002).
std::string toml_text(const toml::node& n);

struct Context {
  std::string source;
  std::vector<Diagnostic> diagnostics;
  // When set, every key a Reader takes that holds a value (not a table) is recorded here.
  std::vector<KeyRead>* read = nullptr;

  // Nodes set by --set carry "--set" as their source; the rest come from the file.
  Location at(const toml::source_region& region) const {
    return {region.path && !region.path->empty() ? *region.path : source,
            static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  void error(const toml::source_region& region, std::string key, std::string problem,
             std::string allowed = {}) {
    diagnostics.push_back({at(region), std::move(key), std::move(problem), std::move(allowed)});
  }
};

// Every key of a scenario is a few parts deep; toml++ builds a key of thousands of dotted parts
// recursively, and overflowed the stack. The most parts a key may have.
inline constexpr std::size_t kMaxKeyParts = 32;
// Where the text holds a dotted key of more than kMaxKeyParts parts (outside strings and
// comments: the dots of a run of key characters, quoted keys and spaces), as a 1-based line
// and column; nullopt when it holds none.
std::optional<std::pair<int, int>> too_deep_key(std::string_view text);
inline std::string too_deep_problem() {
  return "a key of more than " + std::to_string(kMaxKeyParts) + " parts";
}

inline std::string param_allowed(double lo, double hi) {
  return "a number in [" + fmt(lo) + ", " + fmt(hi) +
         "], or one of {uniform = [lo, hi]}, {normal = {mean, sd}}, {beta = {mean, kappa}}, "
         "{triangular = [min, mode, max]}";
}

// One TOML table being read: remembers the keys asked for, to report the rest.
class Reader {
 public:
  Reader(Context& ctx, const toml::table& table, std::string path)
      : ctx_(ctx), table_(table), path_(std::move(path)) {}

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const toml::table& table() const { return table_; }
  Context& ctx() const { return ctx_; }

  const toml::node* take(std::string_view key) {
    known_.emplace_back(key);
    const toml::node* n = table_.get(key);
    // (Tables by their keys, but an inline table whole: a distribution, a set of tactics.)
    if (n && ctx_.read && (!n->is_table() || n->as_table()->is_inline()))
      ctx_.read->push_back({path(key), toml_text(*n), ctx_.at(n->source())});
    return n;
  }

  void missing(std::string_view key, const std::string& allowed) {
    ctx_.error(table_.source(), path(key), "missing", "required: " + allowed);
  }

  // One of the names of enum E (model/names.hpp); `fallback` when absent or in error.
  template <typename E>
  E choice(std::string_view key, E fallback) {
    const auto v = string(key, false, model::names_of<E>());
    return v ? *model::enum_of<E>(*v) : fallback;
  }

  std::optional<std::string> string(std::string_view key, bool required,
                                    const std::vector<std::string>& choices = {}) {
    const toml::node* n = take(key);
    const std::string allowed =
        choices.empty() ? "a string" : "one of \"" + join_quoted(choices) + "\"";
    if (!n) {
      if (required) missing(key, allowed);
      return std::nullopt;
    }
    if (!n->is_string()) {
      ctx_.error(n->source(), path(key), std::string("expected a string, got ") + type_name(*n),
                 "allowed: " + allowed);
      return std::nullopt;
    }
    std::string v = *n->value<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string hint = closest_match(v, choices);
      ctx_.error(n->source(), path(key), "unknown value \"" + v + "\"",
                 "allowed: " + allowed + (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* n = take(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) {
      ctx_.error(n->source(), path(key), std::string("expected a boolean, got ") + type_name(*n),
                 "allowed: true or false");
      return std::nullopt;
    }
    return *n->value<bool>();
  }

  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t lo,
                                      std::int64_t hi) {
    const toml::node* n = take(key);
    const std::string allowed =
        "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (!n) {
      if (required) missing(key, allowed);
      return std::nullopt;
    }
    if (!n->is_integer()) {
      ctx_.error(n->source(), path(key), std::string("expected an integer, got ") + type_name(*n),
                 "allowed: " + allowed);
      return std::nullopt;
    }
    const std::int64_t v = *n->value<std::int64_t>();
    if (v < lo || v > hi) {
      ctx_.error(n->source(), path(key), std::to_string(v) + " is out of range",
                 "allowed: " + allowed);
      return std::nullopt;
    }
    return v;
  }

  // A finite number in [lo, hi].
  std::optional<double> number(std::string_view key, bool required, double lo, double hi) {
    const toml::node* n = take(key);
    if (!n) {
      if (required) missing(key, "a number in [" + fmt(lo) + ", " + fmt(hi) + "]");
      return std::nullopt;
    }
    return number_node(*n, path(key), lo, hi);
  }

  std::optional<double> number_node(const toml::node& n, const std::string& key, double lo,
                                    double hi) {
    const std::string allowed = "allowed: a number in [" + fmt(lo) + ", " + fmt(hi) + "]";
    if (!n.is_number()) {
      ctx_.error(n.source(), key, std::string("expected a number, got ") + type_name(n), allowed);
      return std::nullopt;
    }
    const double v = *n.value<double>();
    if (!std::isfinite(v)) {
      ctx_.error(n.source(), key, fmt(v) + " is not a finite number", allowed);
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      ctx_.error(n.source(), key, fmt(v) + " is out of range", allowed);
      return std::nullopt;
    }
    return v;
  }

  // [a, b] with lo <= a <= b <= hi (strictly a < b when `strict`).
  std::optional<std::pair<double, double>> interval_node(const toml::node& n,
                                                         const std::string& key, double lo,
                                                         double hi, bool strict) {
    const std::string allowed =
        "allowed: [a, b] with " + fmt(lo) + " <= a " + (strict ? "<" : "<=") + " b <= " + fmt(hi);
    const toml::array* arr = n.as_array();
    if (!arr || arr->size() != 2) {
      ctx_.error(n.source(), key,
                 arr ? "expected 2 numbers, got " + std::to_string(arr->size())
                     : std::string("expected an array, got ") + type_name(n),
                 allowed);
      return std::nullopt;
    }
    auto a = number_node((*arr)[0], key, lo, hi);
    auto b = number_node((*arr)[1], key, lo, hi);
    if (!a || !b) return std::nullopt;
    if (*a > *b || (strict && *a == *b)) {
      ctx_.error(n.source(), key, "[" + fmt(*a) + ", " + fmt(*b) + "] is empty", allowed);
      return std::nullopt;
    }
    return std::make_pair(*a, *b);
  }

  std::optional<Param> param(std::string_view key, bool required, double lo, double hi,
                             std::optional<double> fallback = std::nullopt) {
    const toml::node* n = take(key);
    if (!n) {
      if (required) missing(key, param_allowed(lo, hi));
      if (fallback)
        return Param{Distribution::fixed(*fallback), path(key), ctx_.at(table_.source()), lo, hi};
      return std::nullopt;
    }
    return param_node(*n, path(key), lo, hi);
  }

  std::optional<Param> param_node(const toml::node& n, const std::string& key, double lo,
                                  double hi);

  // A parameter with a default. The default also stands in when the value given is invalid
  // (the error is recorded), so that loading goes on and reports every error at once.
  Param param_or(std::string_view key, double lo, double hi, double fallback) {
    if (auto p = param(key, false, lo, hi, fallback)) return *p;
    return Param{Distribution::fixed(fallback), path(key), ctx_.at(table_.source()), lo, hi};
  }

  const toml::table* subtable(std::string_view key, bool required) {
    const toml::node* n = take(key);
    if (!n) {
      if (required) missing(key, "a table");
      return nullptr;
    }
    if (!n->is_table()) {
      ctx_.error(n->source(), path(key), std::string("expected a table, got ") + type_name(*n),
                 "allowed: a table");
      return nullptr;
    }
    return n->as_table();
  }

  // Reports every key that was not asked for; `what` names the kind of key.
  void finish(const std::string& what = "key") {
    for (auto&& [k, v] : table_) {
      const std::string name(k.str());
      if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
      std::string hint = closest_match(name, known_);
      std::string allowed =
          known_.empty() ? "no keys are allowed here" : "allowed: " + join(known_);
      if (!hint.empty()) allowed += "; did you mean '" + hint + "'?";
      const auto region = k.source().begin.line > 0 ? k.source() : v.source();
      ctx_.error(region, path(name), "unknown " + what, allowed);
    }
  }

 private:
  static std::string join_quoted(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : "\", \"") + w;
    return out;
  }

  Context& ctx_;
  const toml::table& table_;
  std::string path_;
  std::vector<std::string> known_;
};

// Keys of a table in the order they appear in the file (toml++ sorts them).
std::vector<std::string> keys_in_file_order(const toml::table& t);
// An id: a lower-case letter, then lower-case letters, digits, '_' or '-'.
bool valid_id(const std::string& id);

}  // namespace parley::scenario::detail
