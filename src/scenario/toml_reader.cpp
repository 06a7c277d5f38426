#include "toml_reader.hpp"

#include <cctype>
#include <charconv>
#include <sstream>

namespace parley::scenario::detail {

std::optional<Param> Reader::param_node(const toml::node& n, const std::string& key, double lo,
                                        double hi) {
  Param p;
  p.key = key;
  p.where = ctx_.at(n.source());
  p.valid_lo = lo;
  p.valid_hi = hi;
  if (n.is_number()) {
    auto v = number_node(n, key, lo, hi);
    if (!v) return std::nullopt;
    p.dist = Distribution::fixed(*v);
    return p;
  }
  const toml::table* t = n.as_table();
  const std::vector<std::string> kinds = {"uniform", "normal", "beta", "triangular"};
  if (!t || t->size() != 1) {
    ctx_.error(n.source(), key,
               t ? "a distribution table needs exactly one key, got " + std::to_string(t->size())
                 : std::string("expected a number or a distribution, got ") + type_name(n),
               "allowed: " + param_allowed(lo, hi));
    return std::nullopt;
  }
  const auto entry = t->begin();
  const toml::key& kind_key = entry->first;
  const toml::node& body = entry->second;
  const std::string kind(kind_key.str());
  const std::string sub = key + "." + kind;
  Distribution& d = p.dist;
  d.lo = lo;
  d.hi = hi;
  if (kind == "uniform") {
    auto ab = interval_node(body, sub, lo, hi, true);
    if (!ab) return std::nullopt;
    d.kind = Distribution::Kind::uniform;
    std::tie(d.a, d.b) = *ab;
    return p;
  }
  if (kind == "triangular") {
    const std::string allowed = "allowed: [min, mode, max] with " + fmt(lo) +
                                " <= min <= mode <= max <= " + fmt(hi) + ", min < max";
    const toml::array* arr = body.as_array();
    if (!arr || arr->size() != 3) {
      ctx_.error(body.source(), sub, "expected 3 numbers", allowed);
      return std::nullopt;
    }
    auto a = number_node((*arr)[0], sub, lo, hi);
    auto c = number_node((*arr)[1], sub, lo, hi);
    auto b = number_node((*arr)[2], sub, lo, hi);
    if (!a || !b || !c) return std::nullopt;
    if (!(*a <= *c && *c <= *b && *a < *b)) {
      ctx_.error(body.source(), sub, "min <= mode <= max does not hold", allowed);
      return std::nullopt;
    }
    d.kind = Distribution::Kind::triangular;
    d.a = *a;
    d.b = *b;
    d.c = *c;
    return p;
  }
  if (kind == "normal" || kind == "beta") {
    const toml::table* bt = body.as_table();
    if (!bt) {
      ctx_.error(body.source(), sub, std::string("expected a table, got ") + type_name(body),
                 kind == "normal" ? "allowed: {mean = m, sd = s}"
                                  : "allowed: {mean = m, kappa = k} with optional lo, hi");
      return std::nullopt;
    }
    Reader r(ctx_, *bt, sub);
    if (kind == "normal") {
      auto mean = r.number("mean", true, lo, hi);
      auto sd = r.number("sd", true, 0.0, kUnbounded);
      r.finish();
      if (!mean || !sd) return std::nullopt;
      if (*sd <= 0.0) {
        ctx_.error(bt->get("sd")->source(), sub + ".sd", "must be positive", "allowed: sd > 0");
        return std::nullopt;
      }
      d.kind = Distribution::Kind::normal;
      d.a = *mean;
      d.b = *sd;
      return p;
    }
    auto blo = r.number("lo", false, lo, hi);
    auto bhi = r.number("hi", false, lo, hi);
    auto mean = r.number("mean", true, lo, hi);
    auto kappa = r.number("kappa", true, 0.0, kUnbounded);
    r.finish();
    if (!mean || !kappa) return std::nullopt;
    d.lo = blo.value_or(lo);
    d.hi = bhi.value_or(hi);
    if (d.hi - d.lo >= kUnbounded) {
      ctx_.error(body.source(), sub, "needs a bounded support", "allowed: give lo and hi");
      return std::nullopt;
    }
    if (!(d.lo < *mean && *mean < d.hi)) {
      ctx_.error(bt->get("mean")->source(), sub + ".mean",
                 fmt(*mean) + " is not inside the support",
                 "allowed: " + fmt(d.lo) + " < mean < " + fmt(d.hi));
      return std::nullopt;
    }
    if (*kappa <= 0.0) {
      ctx_.error(bt->get("kappa")->source(), sub + ".kappa", "must be positive",
                 "allowed: kappa > 0");
      return std::nullopt;
    }
    d.kind = Distribution::Kind::beta;
    d.a = *mean;
    d.b = *kappa;
    return p;
  }
  std::string hint = closest_match(kind, kinds);
  // (A key inside an inline table of --set has no source of its own: its value's is used.)
  ctx_.error(kind_key.source().path ? kind_key.source() : body.source(), sub,
             "unknown distribution",
             "allowed: " + join(kinds) + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  return std::nullopt;
}

std::string toml_text(const toml::node& n) {
  if (const toml::array* a = n.as_array()) {
    std::string out = "[";
    for (std::size_t j = 0; j < a->size(); ++j) out += (j ? ", " : "") + toml_text(*a->get(j));
    return out + "]";
  }
  if (const toml::table* t = n.as_table()) {
    std::string out = "{";
    bool first = true;
    for (const std::string& key : keys_in_file_order(*t)) {
      out += (first ? " " : ", ") + key + " = " + toml_text(*t->get(key));
      first = false;
    }
    return out + (first ? "}" : " }");
  }
  if (const auto v = n.value_exact<double>()) {
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, *v).ptr;
    std::string text(buffer, end);
    // A float stays a float in TOML: 1.0, not 1.
    if (std::isfinite(*v) && text.find_first_of(".eE") == std::string::npos) text += ".0";
    return text;
  }
  std::ostringstream out;
  n.visit([&](auto&& v) { out << v; });
  return out.str();
}

std::vector<std::string> keys_in_file_order(const toml::table& t) {
  std::vector<std::pair<std::pair<std::uint32_t, std::uint32_t>, std::string>> keyed;
  for (auto&& [k, v] : t) {
    const auto& pos = v.source().begin.line > 0 ? v.source().begin : k.source().begin;
    keyed.push_back({{pos.line, pos.column}, std::string(k.str())});
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [pos, name] : keyed) out.push_back(std::move(name));
  return out;
}

bool valid_id(const std::string& id) {
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::optional<std::pair<int, int>> too_deep_key(std::string_view text) {
  // A lexical pass: strings (basic, literal, and their multi-line forms) and comments are
  // skipped whole; a key's parts are bare-key characters, quoted strings and spaces joined by
  // dots, so a run of dots counts while only those appear between them. Any other character
  // (=, a bracket, a comma, a line end) ends the run. Values never have more than one dot in
  // such a run (a number such as 1.5), so a long run can only be a key.
  std::size_t dots = 0;
  int line = 1, column = 1, run_line = 1, run_column = 1;
  auto advance = [&](std::size_t& i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    ++i;
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      const bool multi = text.substr(i, 3) == std::string(3, c);
      const std::string_view close = multi ? text.substr(i, 3) : text.substr(i, 1);
      for (std::size_t k = 0; k < close.size(); ++k) advance(i);
      while (i < text.size() && text.substr(i, close.size()) != close) {
        if (c == '"' && text[i] == '\\' && i + 1 < text.size()) advance(i);
        if (!multi && text[i] == '\n') break;  // an unclosed string: toml++ reports it
        advance(i);
      }
      for (std::size_t k = 0; k < close.size() && i < text.size(); ++k) advance(i);
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') advance(i);
      continue;
    }
    const bool key_char = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    if (c == '.') {
      if (dots == 0) {
        run_line = line;
        run_column = column;
      }
      if (++dots + 1 > kMaxKeyParts) return std::pair{run_line, run_column};
    } else if (!key_char && c != ' ' && c != '\t') {
      dots = 0;
    }
    advance(i);
  }
  return std::nullopt;
}

}  // namespace parley::scenario::detail
