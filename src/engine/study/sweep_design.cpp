#include "parley/engine/study/sweep_design.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <cmath>
#include <cstdio>
#include <utility>

#include "parley/engine/shards.hpp"
#include "parley/random/stream.hpp"
#include "parley/scenario/text.hpp"

namespace parley::engine {

namespace {

double number(const std::string& text, const std::string& spec) {
  const auto v = scenario::parse_number(text);
  if (!v) throw PlanError("--vary " + spec + ": \"" + text + "\" is not a number");
  return *v;
}

// Calls f(c, quoted) for each character of `text`, quoted inside a "..." or '...' string (its
// quotes included).
template <typename F>
void scan(const std::string& text, F&& f) {
  char quote = 0;
  for (const char c : text) {
    const bool quoted = quote != 0 || c == '"' || c == '\'';
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    }
    f(c, quoted);
  }
}

// The parts of `text` between the `at` outside brackets, braces and quotes (a level may be an
// [array] or an {inline table} with commas and colons of its own).
std::vector<std::string> split(const std::string& text, char at) {
  std::vector<std::string> parts(1);
  int depth = 0;
  scan(text, [&](char c, bool quoted) {
    if (!quoted) {
      if (c == '[' || c == '{') ++depth;
      if ((c == ']' || c == '}') && depth > 0) --depth;
      if (c == at && depth == 0) {
        parts.emplace_back();
        return;
      }
    }
    parts.back() += c;
  });
  return parts;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// A level as stored and labelled: without the spaces outside quotes, so that [["a", "b"]] and
// [["a","b"]] (a list from Python, a --vary typed by hand) are the same level.
std::string compact(const std::string& level) {
  std::string out;
  scan(level, [&](char c, bool quoted) {
    if (quoted || (c != ' ' && c != '\t')) out += c;
  });
  return out;
}

// Why `level` cannot be a level (stored one per line, tab-separated from its key's index), or
// nothing.
std::optional<std::string> level_problem(const std::string& level) {
  if (level.empty()) return "an empty value";
  if (level.find_first_of("\t\n") != std::string::npos) return "a tab or line break in a value";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> varied_key_problem(const std::string& key) {
  // [run] (runs, seed) and [sweep] are the sweep's own settings, the same at every point: a
  // point that "varied" them would run exactly as the others.
  for (const char* table : {"run", "sweep"}) {
    const std::string prefix = std::string(table) + ".";
    if (key == table || key.rfind(prefix, 0) == 0) {
      return "'" + key + "' is a setting of the whole sweep, the same at every point " +
             "(allowed: keys of the model; runs per point: --runs, the seed: --seed)";
    }
  }
  return std::nullopt;
}

Vary parse_vary(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw PlanError("--vary " + spec + ": expected KEY=LO:HI:N or KEY=A,B,C");
  }
  Vary v;
  v.key = spec.substr(0, eq);
  const std::string body = spec.substr(eq + 1);
  const std::vector<std::string> items = split(body, ',');
  const std::vector<std::string> parts = split(body, ':');
  if (items.size() > 1 || parts.size() == 1) {
    // A list: of numbers, or else of levels (any value a scenario takes, as TOML text).
    std::vector<std::string> texts;
    bool numbers = true;
    for (const auto& item : items) {
      texts.push_back(trimmed(item));
      if (const auto problem = level_problem(texts.back()))
        throw PlanError("--vary " + spec + ": " + *problem +
                        " (allowed: numbers, or values such as words, true/false, [arrays] and "
                        "{inline tables}, comma-separated)");
      numbers = numbers && scenario::parse_number(texts.back()).has_value();
    }
    for (std::size_t j = 0; j < texts.size(); ++j) {
      v.values.push_back(numbers ? *scenario::parse_number(texts[j]) : static_cast<double>(j));
    }
    if (!numbers)
      for (const auto& text : texts) v.levels.push_back(compact(text));
    return v;
  }
  if (parts.size() > 3) {
    throw PlanError("--vary " + spec + ": expected LO:HI:N (or LO:HI with --design lhs)");
  }
  v.range = true;
  v.lo = number(parts[0], spec);
  v.hi = number(parts[1], spec);
  if (!(v.lo < v.hi)) throw PlanError("--vary " + spec + ": LO must be below HI");
  if (parts.size() == 3) {
    const double n = number(parts[2], spec);
    if (n < 2 || n > 10000 || n != std::floor(n)) {
      throw PlanError("--vary " + spec + ": N must be a whole number from 2 to 10000");
    }
    const auto count = static_cast<int>(n);
    for (int i = 0; i < count; ++i) v.values.push_back(v.lo + (v.hi - v.lo) * i / (count - 1));
  }
  return v;
}

namespace {

std::string value_of(const SweepLayout& layout, std::size_t p, std::size_t j, int digits) {
  const double v = layout.points[p][j];
  if (layout.has_levels(j)) return layout.levels[j][static_cast<std::size_t>(v)];
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
  return buffer;
}

}  // namespace

std::string SweepLayout::value_text(std::size_t p, std::size_t j) const {
  return value_of(*this, p, j, 17);
}

std::string SweepLayout::label(std::size_t p, std::size_t j) const {
  return value_of(*this, p, j, 6);
}

SweepLayout design_sweep(const std::vector<Vary>& varies, const std::string& design, int lhs_points,
                         std::uint64_t seed) {
  if (design != "factorial" && design != "lhs") {
    throw PlanError("--design: \"" + design + "\" is not a design (allowed: factorial, lhs)");
  }
  SweepLayout layout;
  layout.design = design;
  std::unordered_set<std::string> seen;
  for (const auto& v : varies) {
    if (const auto problem = varied_key_problem(v.key)) throw PlanError("--vary " + *problem);
    if (!seen.insert(v.key).second)
      throw PlanError("--vary " + v.key + ": the key is varied twice (allowed: each key once)");
    layout.keys.push_back(v.key);
    layout.levels.push_back(v.levels);
  }
  // Keys of numbers only: no levels at all (such a file is as it was before levels).
  if (std::none_of(varies.begin(), varies.end(), [](const Vary& v) { return !v.levels.empty(); }))
    layout.levels.clear();
  if (design == "factorial") {
    std::uint64_t points = 1;
    std::string product;
    for (const auto& v : varies) {
      if (v.values.empty())
        throw PlanError("--vary " + v.key + ": give LO:HI:N or a list for a factorial design");
      // Counted without overflow: each factor is at most 10,000 and the product stops growing
      // once it passes the limit.
      points = std::min<std::uint64_t>(points * v.values.size(), kMostSweepPoints + 1);
      product += (product.empty() ? "" : " x ") + std::to_string(v.values.size());
    }
    if (points > kMostSweepPoints) {
      throw PlanError("--vary: a grid of " + product + " points is more than a sweep holds " +
                      "(allowed: at most " + std::to_string(kMostSweepPoints) +
                      " points; each point keeps its own scenario and sampler in memory)");
    }
    for (const auto& v : varies) layout.axes.push_back(v.values);
    // All combinations, the first key varying slowest (row-major order of the grid).
    std::vector<std::size_t> at(varies.size(), 0);
    for (;;) {
      std::vector<double> point;
      for (std::size_t j = 0; j < varies.size(); ++j) point.push_back(varies[j].values[at[j]]);
      layout.points.push_back(point);
      std::size_t j = varies.size();
      while (j > 0 && ++at[j - 1] == varies[j - 1].values.size()) at[--j] = 0;
      if (j == 0) break;
    }
    return layout;
  }
  if (lhs_points < 2 || static_cast<std::uint64_t>(lhs_points) > kMostSweepPoints) {
    throw PlanError("--design lhs needs --points N (allowed: 2 to " +
                    std::to_string(kMostSweepPoints) +
                    "; each point keeps its own scenario and sampler in memory)");
  }
  const auto n = static_cast<std::size_t>(lhs_points);
  layout.points.assign(n, std::vector<double>(varies.size()));
  for (std::size_t j = 0; j < varies.size(); ++j) {
    if (!varies[j].range)
      throw PlanError("--vary " + varies[j].key + ": a Latin hypercube needs a range LO:HI" +
                      (varies[j].levels.empty() ? "" : " (levels go in a factorial design)"));
    // McKay, Beckman & Conover (1979): one stratum per point, strata shuffled (Fisher-Yates),
    // a uniform draw inside each.
    random::Stream stream(seed, 0, random::purpose_id("sweep.lhs." + varies[j].key));
    std::vector<std::size_t> strata(n);
    for (std::size_t p = 0; p < n; ++p) strata[p] = p;
    for (std::size_t p = n - 1; p > 0; --p) {
      std::swap(strata[p],
                strata[static_cast<std::size_t>(stream.uniform() * static_cast<double>(p + 1))]);
    }
    for (std::size_t p = 0; p < n; ++p) {
      const double u = (static_cast<double>(strata[p]) + stream.uniform()) / static_cast<double>(n);
      layout.points[p][j] = varies[j].lo + (varies[j].hi - varies[j].lo) * u;
    }
  }
  return layout;
}

SweepLayout design_from_csv(const std::string& text, const std::string& source,
                            FieldPlaces* places) {
  if (places) places->clear();
  SweepLayout layout;
  layout.design = "list";
  std::size_t line_no = 0, pos = 0;
  // A spreadsheet's byte order mark before the header is not part of the first key.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) pos = 3;
  auto fail = [&](std::size_t column, const std::string& what) {
    throw PlanError(source + ":" + std::to_string(line_no) + ":" + std::to_string(column) + ": " +
                    what);
  };
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
      v.remove_suffix(1);
    return v;
  };
  bool header = true;
  std::unordered_set<std::string> seen;  // the header's keys: a hash set, linear in their number
  std::vector<std::vector<std::string>> texts;  // each point's fields, as written
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (trim(line).empty() || trim(line).front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    // The fields and the column (1-based) each starts at; a field in double quotes may hold
    // commas, and "" inside it is a quote (RFC 4180).
    std::vector<std::pair<std::string, std::size_t>> fields;
    for (std::size_t from = 0;;) {
      std::size_t at = from;
      while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
      std::string field;
      std::size_t to;
      if (at < line.size() && line[at] == '"') {
        std::size_t i = at + 1;
        for (;; ++i) {
          if (i >= line.size()) fail(at + 1, "a quoted field without its closing quote");
          if (line[i] == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          field += line[i];
        }
        to = line.find(',', i + 1);
        if (to == std::string_view::npos) to = line.size();
        if (!trim(line.substr(i + 1, to - i - 1)).empty())
          fail(i + 2, "text after a quoted field (allowed: a comma, then the next field)");
      } else {
        to = line.find(',', from);
        if (to == std::string_view::npos) to = line.size();
        field = std::string(trim(line.substr(from, to - from)));
      }
      fields.emplace_back(std::move(field), from + 1);
      if (to == line.size()) break;
      from = to + 1;
    }
    if (header) {
      if (places) {
        places->emplace_back();
        for (const auto& field : fields) places->back().emplace_back(line_no, field.second);
      }
      for (const auto& [key, column] : fields) {
        if (key.empty()) fail(column, "an empty key in the header (allowed: scenario keys)");
        for (const char c : key) {
          if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
            fail(column, "'" + key +
                             "' is not a scenario key (allowed: dotted keys such as "
                             "agents.russia.war_cost)");
        }
        if (!seen.insert(key).second) fail(column, "key '" + key + "' appears twice in the header");
        if (const auto problem = varied_key_problem(key)) fail(column, *problem);
        layout.keys.push_back(key);
      }
      header = false;
    } else {
      if (fields.size() != layout.keys.size()) {
        fail(1, std::to_string(fields.size()) + " values (allowed: one per key of the header, " +
                    std::to_string(layout.keys.size()) + ")");
      }
      if (texts.size() == kMostSweepPoints) {
        fail(1, "more points than a sweep holds (allowed: at most " +
                    std::to_string(kMostSweepPoints) + ")");
      }
      std::vector<std::string> row;
      if (places) places->emplace_back();
      for (std::size_t j = 0; j < fields.size(); ++j) {
        if (places) places->back().emplace_back(line_no, fields[j].second);
        if (const auto problem = level_problem(fields[j].first))
          fail(fields[j].second, *problem + " for " + layout.keys[j] +
                                     " (allowed: a number, or a value such as a word, "
                                     "true/false, an [array] or an {inline table})");
        row.push_back(fields[j].first);
      }
      texts.push_back(std::move(row));
    }
    if (end == text.size()) break;
  }
  if (header) throw PlanError(source + ": no header of keys (allowed: KEY,KEY,... then rows)");
  if (texts.empty()) throw PlanError(source + ": no points after the header");
  // A column of numbers gives numbers; any other, levels in the order they first appear.
  layout.points.assign(texts.size(), std::vector<double>(layout.keys.size()));
  std::vector<std::vector<std::string>> levels(layout.keys.size());
  for (std::size_t j = 0; j < layout.keys.size(); ++j) {
    std::vector<double> numbers;
    for (const auto& row : texts) {
      const auto v = scenario::parse_number(row[j]);
      if (!v || !std::isfinite(*v)) break;
      numbers.push_back(*v);
    }
    if (numbers.size() == texts.size()) {
      for (std::size_t p = 0; p < texts.size(); ++p) layout.points[p][j] = numbers[p];
      continue;
    }
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t p = 0; p < texts.size(); ++p) {
      const auto [it, added] = index.emplace(compact(texts[p][j]), levels[j].size());
      if (added) levels[j].push_back(it->first);
      layout.points[p][j] = static_cast<double>(it->second);
    }
  }
  if (std::any_of(levels.begin(), levels.end(), [](const auto& l) { return !l.empty(); }))
    layout.levels = std::move(levels);
  return layout;
}

std::vector<std::string> point_overrides(const SweepLayout& layout, std::size_t p) {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < layout.keys.size(); ++j)
    out.push_back(layout.keys[j] + "=" + layout.value_text(p, j));
  return out;
}

}  // namespace parley::engine
