#include "parley/io/run_header.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

#include <boost/crc.hpp>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/version.hpp"
#include "run_header_attributes.hpp"

namespace parley::io {

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A table of numbers as text, one row per line, %.17g (exact).
std::string number_rows(const std::vector<std::vector<double>>& table) {
  std::string out;
  char buffer[40];
  for (const auto& row : table) {
    for (std::size_t j = 0; j < row.size(); ++j) {
      std::snprintf(buffer, sizeof buffer, "%.17g", row[j]);
      out += (j ? " " : "") + std::string(buffer);
    }
    out += "\n";
  }
  return out;
}

// CRC-32 of the text attributes among `attributes` (name, NUL, value, NUL; in key::texts
// order). The texts already sit in the checksummed object header; this covers them once more,
// as a whole, so that a file whose texts were edited or mixed from two files (the scenario a
// resume runs again among them) is refused too, and it is the number Python checks.
std::int64_t text_crc32(const std::map<std::string, std::string>& attributes) {
  boost::crc_32_type crc;
  for (const char* name : key::texts) {
    const auto it = attributes.find(name);
    if (it == attributes.end()) continue;
    crc.process_bytes(name, std::char_traits<char>::length(name) + 1);
    crc.process_bytes(it->second.data(), it->second.size());
    crc.process_byte(0);
  }
  return crc.checksum();
}

// A sweep's levels (attribute sweep_levels), checked against its keys, points and axes: every
// line "INDEX<tab>LEVEL" of a key there is; a key of levels has at each point and on its axis
// whole indices of its levels.
void read_levels(const Attributes& a, SweepLayout& layout) {
  const std::size_t n = layout.keys.size();
  layout.levels.assign(n, {});
  for (const auto& line : split_lines(a.text(key::sweep_levels))) {
    const auto tab = line.find('\t');
    const std::string index = line.substr(0, tab);
    if (tab == std::string::npos || tab + 1 == line.size() || index.empty() || index.size() > 6 ||
        index.find_first_not_of("0123456789") != std::string::npos || std::stoul(index) >= n) {
      a.fail(key::sweep_levels, "has a line \"" + line.substr(0, 60) +
                                    "\" (allowed: the index of a varied key, from 0 to " +
                                    std::to_string(n - 1) + ", a tab, and a value)");
    }
    layout.levels[std::stoul(index)].push_back(line.substr(tab + 1));
  }
  auto check = [&](double v, std::size_t j, const char* name) {
    if (v >= 0.0 && v < static_cast<double>(layout.levels[j].size()) && v == std::floor(v)) return;
    char shown[40];
    std::snprintf(shown, sizeof shown, "%.17g", v);
    a.fail(name, "holds " + std::string(shown) + " for " + layout.keys[j] +
                     " (allowed: the index of one of its " +
                     std::to_string(layout.levels[j].size()) + " levels)");
  };
  for (std::size_t j = 0; j < n; ++j) {
    if (layout.levels[j].empty()) continue;
    for (const auto& point : layout.points) check(point[j], j, key::sweep_points);
    if (j < layout.axes.size())
      for (const double v : layout.axes[j]) check(v, j, key::sweep_axes);
  }
}

}  // namespace

Attributes::Attributes(std::string path, std::vector<std::pair<std::string, std::string>> list)
    : path_(std::move(path)) {
  for (auto& [k, v] : list) values_.emplace(std::move(k), std::move(v));
}

std::string Attributes::text(const char* name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? "" : it->second;
}

std::string Attributes::required(const char* name) const {
  if (!has(name)) fail(name, "is missing");
  return text(name);
}

std::uint64_t Attributes::count(const char* name, std::uint64_t most, std::uint64_t least) const {
  const std::string t = required(name);
  std::size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (t.empty() || used != t.size() || v < 0 || static_cast<std::uint64_t>(v) < least ||
      static_cast<std::uint64_t>(v) > most) {
    fail(name, "is \"" + t + "\" (allowed: a whole number from " + std::to_string(least) + " to " +
                   std::to_string(most) + ")");
  }
  return static_cast<std::uint64_t>(v);
}

double Attributes::number(const char* name, double least, double most) const {
  const std::string t = required(name);
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !(v >= least && v <= most)) {
    fail(name, "is \"" + t + "\" (allowed: a number from " + std::to_string(least) + " to " +
                   std::to_string(most) + ")");
  }
  return v;
}

std::vector<std::vector<double>> Attributes::table(const char* name, std::size_t width,
                                                   const char* each) const {
  return table_of(name, required(name), width, each);
}

std::vector<std::vector<double>> Attributes::table_of(const char* name, const std::string& text,
                                                      std::size_t width, const char* each) const {
  std::vector<std::vector<double>> out;
  for (const auto& line : split_lines(text)) {
    std::istringstream in(line);
    out.emplace_back();
    for (std::string word; in >> word;) {
      char* end = nullptr;
      const double v = std::strtod(word.c_str(), &end);
      if (end != word.c_str() + word.size() || !std::isfinite(v)) {
        fail(name, "holds \"" + word + "\" (allowed: finite numbers)");
      }
      out.back().push_back(v);
    }
    if (width > 0 && out.back().size() != width) {
      fail(name, "has a row of " + std::to_string(out.back().size()) +
                     " numbers (allowed: " + std::to_string(width) + ", " + each + ")");
    }
  }
  return out;
}

void Attributes::fail(const std::string& name, const std::string& problem) const {
  throw InvalidFile(path_ + ": attribute " + name + " " + problem);
}

Attributes sealed_attributes(hid_t file, const std::string& path, const char* filetype,
                             const char* kind) {
  auto list = h5::attributes_as_text(file);
  {
    std::string type;
    for (const auto& [k, v] : list)
      if (k == "filetype") type = v;
    if (type != filetype) {
      throw InvalidFile(path + ": not a Parley " + kind + " file (filetype \"" + type +
                        "\"; allowed: \"" + filetype + "\")");
    }
  }
  check_sealed(path, list);
  return Attributes(path, std::move(list));
}

RunHeader RunHeader::of_plan(const engine::RunPlan& plan, std::uint64_t whole,
                             const std::string& label) {
  RunHeader h;
  h.seed = plan.seed;
  h.rows = plan.count;
  h.trace_runs = plan.trace_runs;
  if (!label.empty() || plan.first != 0 || plan.count != whole)
    h.shard = ShardOf{plan.first, whole, label};
  return h;
}

void use_stored_population(const StoredHeader& header, engine::Sampler& sampler) {
  if (!header.posterior) return;
  try {
    sampler.use_population(*header.posterior);
  } catch (const std::invalid_argument& e) {
    throw InvalidFile(header.path + ": attribute " + key::posterior_population + ": " + e.what());
  }
}

void check_format_version(const std::string& path, const std::string& version) {
  // "MAJOR.MINOR": a reader understands every minor version of its own major version (minor
  // versions only add); a newer major version may have changed what it reads.
  const auto dot = version.find('.');
  const std::string major = version.substr(0, dot);
  const bool well_formed = dot != std::string::npos && !major.empty() && dot + 1 < version.size() &&
                           version.find_first_not_of("0123456789.") == std::string::npos &&
                           version.find('.', dot + 1) == std::string::npos && major.size() < 6;
  const std::string ours = kFormatVersion;
  const std::string our_major = ours.substr(0, ours.find('.'));
  if (!well_formed) {
    throw InvalidFile(path + ": format_version \"" + version +
                      "\" is missing or not MAJOR.MINOR (allowed: " + our_major + ".x)");
  }
  if (std::stoi(major) != std::stoi(our_major)) {
    throw InvalidFile(path + ": format_version " + version +
                      " is of another major format than Parley " + kVersion +
                      " reads (allowed: " + our_major + ".x)");
  }
}

std::string read_provenance(const Attributes& a, Provenance& out, bool all_required) {
  auto get = [&](const char* name, bool required) {
    return required || all_required ? a.required(name) : a.text(name);
  };
  out.filetype = a.text(key::filetype);
  out.format_version = get(key::format_version, false);
  out.parley_version = get(key::parley_version, true);
  out.created_utc = get(key::created_utc, false);
  out.scenario_name = get(key::scenario_name, false);
  out.scenario_toml = get(key::scenario_toml, true);
  out.protocol = get(key::protocol, false);
  return get(key::command_line, false);
}

void write_provenance(hid_t root, const char* filetype, const scenario::Scenario& s,
                      const std::string& command_line) {
  h5::attr_string(root, key::filetype, filetype);
  h5::attr_string(root, key::format_version, kFormatVersion);
  h5::attr_string(root, key::parley_version, kVersion);
  h5::attr_string(root, key::created_utc, h5::utc_now());
  h5::attr_string(root, key::command_line, command_line);
  h5::attr_string(root, key::scenario_name, s.name);
  h5::attr_string(root, key::scenario_toml, s.toml_text);
  h5::attr_string(root, key::protocol, std::string(model::name_of(s.protocol.kind)));
}

void write_run_header(hid_t root, const scenario::Scenario& s, const RunHeader& h) {
  write_provenance(root, h.sweep ? kSweepFiletype : kRunsFiletype, s, h.command_line);
  h5::attr_string(root, key::overrides, joined(s.overrides));
  h5::attr_int64(root, key::seed, static_cast<std::int64_t>(h.seed));
  h5::attr_int64(root, key::runs, static_cast<std::int64_t>(h.rows));
  h5::attr_int64(root, key::complete, 0);
  h5::attr_int64(root, key::runs_done, 0);
  h5::attr_int64(root, key::trace_runs, static_cast<std::int64_t>(h.trace_runs));
  h5::attr_int64(root, key::compress, h.compress);
  if (h.shard) {
    h5::attr_int64(root, key::shard_first, static_cast<std::int64_t>(h.shard->first));
    h5::attr_int64(root, key::runs_total, static_cast<std::int64_t>(h.shard->whole));
    h5::attr_string(root, key::shard, h.shard->label);
  }
  if (h.sweep) {
    h5::attr_string(root, key::varied, joined(h.sweep->keys));
    h5::attr_string(root, key::design, h.sweep->design);
    h5::attr_int64(root, key::points, static_cast<std::int64_t>(h.sweep->points.size()));
    h5::attr_int64(root, key::runs_per_point, static_cast<std::int64_t>(h.sweep->runs_per_point));
    // The whole layout as exact text, so that a sweep's shards can be merged.
    h5::attr_string(root, key::sweep_points, number_rows(h.sweep->points));
    h5::attr_string(root, key::sweep_axes, number_rows(h.sweep->axes));
    // Keys of levels (format 1.6): each level on a line, after its key's index and a tab; the
    // points and axes hold the levels' indices. Absent when every key is numeric.
    if (!h.sweep->levels.empty()) {
      std::string text;
      for (std::size_t j = 0; j < h.sweep->levels.size(); ++j)
        for (const auto& level : h.sweep->levels[j])
          text += std::to_string(j) + "\t" + level + "\n";
      h5::attr_string(root, key::sweep_levels, text);
    }
  }
  write_conventions(root, s, h.sweep ? "a parameter sweep of Parley runs" : "Parley runs",
                    h.command_line);
  if (h.posterior) {
    // First line: the parameters; then one row per particle, its weight and values (exact).
    std::vector<std::vector<double>> rows;
    const std::size_t p = h.posterior->parameters.size();
    for (std::size_t j = 0; j < h.posterior->size(); ++j) {
      rows.emplace_back(1, h.posterior->weights[j]);
      const double* at = h.posterior->particles.data() + j * p;
      rows.back().insert(rows.back().end(), at, at + p);
    }
    std::string keys;
    for (const auto& k : h.posterior->parameters) keys += (keys.empty() ? "" : " ") + k;
    h5::attr_string(root, key::posterior_source, h.posterior_source);
    h5::attr_string(root, key::posterior_population, keys + "\n" + number_rows(rows));
  }
  seal_texts(root);
}

void write_conventions(hid_t root, const scenario::Scenario& s, const std::string& holds,
                       const std::string& command_line) {
  h5::attr_string(root, "Conventions", "CF-1.8");
  h5::attr_string(root, "title", (s.title.empty() ? s.name : s.title) + ": " + holds);
  h5::attr_string(root, "history", h5::utc_now() + " " + command_line);
}

void seal_texts(hid_t root) {
  const auto attributes = h5::attributes_as_text(root);
  h5::attr_int64(
      root, key::text_crc32,
      text_crc32(std::map<std::string, std::string>(attributes.begin(), attributes.end())));
}

void check_sealed(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& attributes) {
  const Attributes a(path, attributes);
  check_format_version(path, a.text(key::format_version));
  const std::uint64_t stored = a.count(key::text_crc32, 0xffffffffULL);
  if (stored != static_cast<std::uint64_t>(text_crc32(a.values())))
    a.fail(key::text_crc32, "does not match the file's text attributes: the file is damaged");
}

void mark_finished(hid_t root, bool complete, std::uint64_t done) {
  h5::set_attr_int64(root, key::complete, complete ? 1 : 0);
  h5::set_attr_int64(root, key::runs_done, static_cast<std::int64_t>(done));
}

StoredHeader read_run_header(const std::string& path) {
  h5::Handle opened = h5::open_read_only(path);  // InvalidFile naming the file
  std::vector<std::pair<std::string, std::string>> list;
  try {
    list = h5::attributes_as_text(opened);
  } catch (const std::exception& e) {
    throw InvalidFile(path + ": " + e.what());
  }
  return header_from_attributes(path, std::move(list));
}

StoredHeader header_from_attributes(const std::string& path,
                                    std::vector<std::pair<std::string, std::string>> list) {
  const Attributes a(path, std::move(list));
  StoredHeader h;
  h.path = path;
  h.filetype = a.text(key::filetype);
  if (h.filetype != kRunsFiletype && h.filetype != kSweepFiletype) {
    throw InvalidFile(path + ": not a Parley file (filetype \"" + h.filetype + "\"; allowed: \"" +
                      kRunsFiletype + "\", \"" + kSweepFiletype + "\")");
  }
  h.format_version = a.text(key::format_version);
  check_format_version(path, h.format_version);
  // Format 1.1 on: the text attributes must match their checksum (1.0 had none).
  if (h.format_version != "1.0" || a.has(key::text_crc32)) {
    const std::uint64_t stored = a.count(key::text_crc32, 0xffffffffULL);
    const auto actual = static_cast<std::uint64_t>(text_crc32(a.values()));
    if (stored != actual) {
      a.fail(key::text_crc32, "does not match the file's text attributes: the file is damaged");
    }
  }
  h.command_line = read_provenance(a, h, false);
  h.overrides = split_lines(a.text(key::overrides));
  h.seed = a.count(key::seed, ~0ULL >> 1);
  h.rows = a.count(key::runs);
  h.trace_runs = a.count(key::trace_runs);
  h.compress = static_cast<int>(a.count(key::compress, 9));
  const std::uint64_t complete = a.count(key::complete, 1);
  h.complete = complete == 1;
  h.runs_done = a.count(key::runs_done);
  if (h.runs_done > h.rows) {
    a.fail(key::runs_done, "is " + std::to_string(h.runs_done) + ", above the file's " +
                               std::to_string(h.rows) + " runs");
  }
  if (h.complete && h.runs_done != h.rows) {
    a.fail(key::runs_done, "is " + std::to_string(h.runs_done) + " in a complete file of " +
                               std::to_string(h.rows) + " runs");
  }
  if (a.has(key::runs_total) || a.has(key::shard_first)) {
    ShardOf shard;
    shard.first = a.count(key::shard_first);
    shard.whole = a.count(key::runs_total);
    shard.label = a.text(key::shard);
    if (shard.first > shard.whole || h.rows > shard.whole - shard.first) {
      a.fail(key::shard_first, "puts runs " + std::to_string(shard.first) + ":" +
                                   std::to_string(shard.first + h.rows) +
                                   " outside the whole run of " + std::to_string(shard.whole));
    }
    h.shard = shard;
  }
  if (h.filetype == kSweepFiletype) {
    SweepLayout layout;
    layout.keys = split_lines(a.required(key::varied));
    if (layout.keys.empty()) a.fail(key::varied, "names no key");
    layout.design = a.required(key::design);
    if (layout.design != "factorial" && layout.design != "lhs" && layout.design != "list") {
      a.fail(key::design, "is \"" + layout.design + "\" (allowed: factorial, lhs, list)");
    }
    const std::uint64_t points = a.count(key::points);
    layout.runs_per_point = a.count(key::runs_per_point);
    layout.points = a.table(key::sweep_points, layout.keys.size());
    layout.axes = a.table(key::sweep_axes, 0);
    if (layout.points.size() != points || points == 0) {
      a.fail(key::sweep_points, "holds " + std::to_string(layout.points.size()) +
                                    " points (allowed: the " + std::to_string(points) +
                                    " of attribute points, at least one)");
    }
    if (a.has(key::sweep_levels)) read_levels(a, layout);
    if (layout.runs_per_point == 0 || h.whole() / layout.runs_per_point != points ||
        h.whole() % layout.runs_per_point != 0) {
      a.fail(key::runs_per_point, std::to_string(layout.runs_per_point) + " times " +
                                      std::to_string(points) + " points is not the sweep's " +
                                      std::to_string(h.whole()) + " runs");
    }
    if (h.first() % layout.runs_per_point != 0 || h.rows % layout.runs_per_point != 0) {
      a.fail(key::shard_first, "splits a sweep point (allowed: whole points of " +
                                   std::to_string(layout.runs_per_point) + " runs)");
    }
    h.sweep = layout;
  }
  if (a.has(key::posterior_population)) {
    const std::string text = a.text(key::posterior_population);
    const auto newline = text.find('\n');
    engine::Population pop;
    std::istringstream keys(text.substr(0, newline));
    for (std::string k; keys >> k;) pop.parameters.push_back(k);
    if (newline == std::string::npos || pop.parameters.empty())
      a.fail(key::posterior_population, "names no parameter on its first line");
    const std::size_t p = pop.parameters.size();
    for (const auto& row : a.table_of(key::posterior_population, text.substr(newline + 1), p + 1,
                                      "a weight and one value per parameter")) {
      if (!(row[0] >= 0.0)) a.fail(key::posterior_population, "holds a negative weight");
      pop.weights.push_back(row[0]);
      pop.particles.insert(pop.particles.end(), row.begin() + 1, row.end());
    }
    double sum = 0.0;
    for (const double w : pop.weights) sum += w;
    if (pop.weights.empty() || !(std::abs(sum - 1.0) < 1e-9)) {
      a.fail(key::posterior_population, "has weights summing to " + std::to_string(sum) +
                                            " (allowed: 1, one particle or more)");
    }
    h.posterior = std::move(pop);
    h.posterior_source = a.text(key::posterior_source);
  }
  return h;
}

std::optional<std::string> differs_as_run(const StoredHeader& a, const StoredHeader& b) {
  if (a.posterior != b.posterior) return key::posterior_population;
  if (a.filetype != b.filetype) return key::filetype;
  if (a.scenario_toml != b.scenario_toml) return key::scenario_toml;
  if (a.overrides != b.overrides) return key::overrides;
  if (a.seed != b.seed) return key::seed;
  if (a.format_version != b.format_version) return key::format_version;
  if (a.parley_version != b.parley_version) return key::parley_version;
  if (a.trace_runs != b.trace_runs) return key::trace_runs;
  if (a.compress != b.compress) return key::compress;
  if (a.protocol != b.protocol) return key::protocol;
  if (a.sweep.has_value() != b.sweep.has_value()) return key::varied;
  if (a.sweep && !(*a.sweep == *b.sweep)) {
    if (a.sweep->keys != b.sweep->keys) return key::varied;
    if (a.sweep->design != b.sweep->design) return key::design;
    if (a.sweep->runs_per_point != b.sweep->runs_per_point) return key::runs_per_point;
    if (a.sweep->points != b.sweep->points) return key::sweep_points;
    if (a.sweep->levels != b.sweep->levels) return key::sweep_levels;
    return key::sweep_axes;
  }
  return std::nullopt;
}

}  // namespace parley::io
