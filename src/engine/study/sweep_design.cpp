#include "parley/engine/study/sweep_design.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
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

std::vector<std::string> split(const std::string& text, char at) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t found; (found = text.find(at, start)) != std::string::npos; start = found + 1) {
    parts.push_back(text.substr(start, found - start));
  }
  parts.push_back(text.substr(start));
  return parts;
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
  if (body.find(':') == std::string::npos) {
    for (const auto& part : split(body, ',')) v.values.push_back(number(part, spec));
    return v;
  }
  const auto parts = split(body, ':');
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
  }
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
      throw PlanError("--vary " + varies[j].key + ": a Latin hypercube needs a range LO:HI");
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

SweepLayout design_from_csv(const std::string& text, const std::string& source) {
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
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (trim(line).empty() || trim(line).front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    // The fields and the column (1-based) each starts at.
    std::vector<std::pair<std::string_view, std::size_t>> fields;
    for (std::size_t from = 0;;) {
      const std::size_t comma = line.find(',', from);
      const std::size_t to = comma == std::string_view::npos ? line.size() : comma;
      fields.emplace_back(trim(line.substr(from, to - from)), from + 1);
      if (comma == std::string_view::npos) break;
      from = comma + 1;
    }
    if (header) {
      for (const auto& [field, column] : fields) {
        const std::string key(field);
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
      if (layout.points.size() == kMostSweepPoints) {
        fail(1, "more points than a sweep holds (allowed: at most " +
                    std::to_string(kMostSweepPoints) + ")");
      }
      std::vector<double> point;
      for (std::size_t j = 0; j < fields.size(); ++j) {
        const std::string value(fields[j].first);
        char* stop = nullptr;
        const double v = value.empty() ? std::nan("") : std::strtod(value.c_str(), &stop);
        if (value.empty() || stop != value.c_str() + value.size() || !std::isfinite(v)) {
          fail(fields[j].second, "'" + value + "' for " + layout.keys[j] +
                                     " is not a number (allowed: a finite number)");
        }
        point.push_back(v);
      }
      layout.points.push_back(std::move(point));
    }
    if (end == text.size()) break;
  }
  if (header) throw PlanError(source + ": no header of keys (allowed: KEY,KEY,... then rows)");
  if (layout.points.empty()) throw PlanError(source + ": no points after the header");
  return layout;
}

std::vector<std::string> point_overrides(const SweepLayout& layout, std::size_t p) {
  std::vector<std::string> out;
  char buffer[40];
  for (std::size_t j = 0; j < layout.keys.size(); ++j) {
    std::snprintf(buffer, sizeof buffer, "%.17g", layout.points[p][j]);
    out.push_back(layout.keys[j] + "=" + buffer);
  }
  return out;
}

}  // namespace parley::engine
