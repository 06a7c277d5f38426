// parley merge OUT SHARD... — join the shards of one run into the file the unsharded run
// writes; parley status SHARD... — which shards are missing or incomplete.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "arguments.hpp"
#include "commands.hpp"
#include "mpi.hpp"
#include "parley/engine/engine.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/scenario/load.hpp"
#include "progress.hpp"
#include "stored_runs.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

// What a shard file says about itself.
struct Shard {
  std::string path;
  std::uint64_t first = 0, runs = 0, total = 0;
  std::string shard;   // "K/N", "A:B" or "" (an unsharded file)
  bool sweep = false;  // a sweep's shard: rows are point-major, runs_per_point each
  bool complete = false;
  io::FileInfo info;
};

std::uint64_t attribute_count(const io::FileInfo& info, const std::string& name,
                              const std::string& path) {
  if (const auto v = info.count(name)) return *v;
  throw UsageError(path + ": attribute " + name + " is missing or invalid");
}

Shard read_shard(const std::string& path) {
  Shard s;
  s.path = path;
  try {
    s.info = io::read_file_info(path);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const std::string filetype = s.info.attribute("filetype");
  if (filetype != io::kRunsFiletype && filetype != io::kSweepFiletype) {
    throw UsageError(path + ": not a shard (filetype \"" + filetype + "\"; allowed: \"" +
                     io::kRunsFiletype + "\", \"" + io::kSweepFiletype + "\")");
  }
  s.sweep = filetype == io::kSweepFiletype;
  s.runs = attribute_count(s.info, "runs", path);
  s.complete = s.info.attribute("complete") == "1";
  if (!s.info.attribute("runs_total").empty()) {
    s.first = attribute_count(s.info, "shard_first", path);
    s.total = attribute_count(s.info, "runs_total", path);
    s.shard = s.info.attribute("shard");
  } else {
    s.total = s.runs;
  }
  return s;
}

// Shards of one run: the same scenario (as run), seed, format and traced runs.
void check_same_run(const std::vector<Shard>& shards) {
  const Shard& a = shards.front();
  for (const Shard& b : shards) {
    for (const char* key : {"filetype", "scenario_toml", "overrides", "seed", "format_version",
                            "parley_version", "trace_runs", "compress", "protocol", "varied",
                            "design", "points", "runs_per_point", "sweep_points", "sweep_axes"}) {
      if (a.info.attribute(key) != b.info.attribute(key)) {
        throw UsageError(b.path + ": not a shard of the same run as " + a.path + " (its " + key +
                         " differs; allowed: shards of one scenario, seed and Parley version)");
      }
    }
  }
}

// The run indices no shard holds, and those two shards both hold, as "A:B" ranges.
struct Coverage {
  std::uint64_t total = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps, overlaps;
};

Coverage coverage(std::vector<const Shard*> shards) {
  Coverage c;
  for (const Shard* s : shards) c.total = std::max({c.total, s->total, s->first + s->runs});
  std::sort(shards.begin(), shards.end(),
            [](const Shard* x, const Shard* y) { return x->first < y->first; });
  std::uint64_t covered = 0;  // runs [0, covered) are held
  for (const Shard* s : shards) {
    if (s->first > covered) c.gaps.emplace_back(covered, s->first);
    if (s->first < covered)
      c.overlaps.emplace_back(s->first, std::min(covered, s->first + s->runs));
    covered = std::max(covered, s->first + s->runs);
  }
  if (covered < c.total) c.gaps.emplace_back(covered, c.total);
  return c;
}

std::string ranges(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& list) {
  std::string out;
  for (const auto& [a, b] : list) {
    out += (out.empty() ? "" : ", ") + std::to_string(a) + ":" + std::to_string(b);
  }
  return out;
}

// "a b c\nd e f\n" -> rows of numbers.
std::vector<std::vector<double>> number_rows(const std::string& text) {
  std::vector<std::vector<double>> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream values(line);
    out.emplace_back();
    for (double v; values >> v;) out.back().push_back(v);
  }
  return out;
}

// A sweep's shards hold whole points: point p's rows [p R, (p + 1) R) in one shard. Each
// point's scenario is the sweep's base with the point's values (as parley sweep builds it),
// its runs go through that point's summary, and the grid is written from every point.
int merge_sweep(const std::string& output, const std::vector<const Shard*>& order,
                std::uint64_t total, const scenario::Scenario& base,
                const std::string& command_line, bool force, bool quiet) {
  const Shard& head = *order.front();
  io::SweepLayout layout;
  layout.keys = head.info.lines("varied");
  layout.design = head.info.attribute("design");
  layout.points = number_rows(head.info.attribute("sweep_points"));
  layout.axes = number_rows(head.info.attribute("sweep_axes"));
  layout.runs_per_point = attribute_count(head.info, "runs_per_point", head.path);
  const std::uint64_t per_point = layout.runs_per_point;
  if (layout.points.size() * per_point != total) {
    throw UsageError(head.path + ": the sweep's layout does not match its runs");
  }
  std::vector<scenario::Scenario> scenarios;
  for (const auto& point : layout.points) {
    std::vector<std::string> o;
    char buffer[40];
    for (std::size_t j = 0; j < layout.keys.size(); ++j) {
      std::snprintf(buffer, sizeof buffer, "%.17g", point[j]);
      o.push_back(layout.keys[j] + "=" + buffer);
    }
    scenarios.push_back(scenario::load_scenario_text(base.toml_text, head.path, o));
  }
  const engine::Sampler sampler(base);
  io::RunsFileOptions options;
  options.command_line = command_line;
  options.seed = attribute_count(head.info, "seed", head.path);
  options.runs = total;
  options.compress = static_cast<int>(attribute_count(head.info, "compress", head.path));
  options.overwrite = force ? io::Overwrite::allow : io::Overwrite::refuse;
  options.sweep = layout;
  io::RunsFile out(output, base, sampler.columns(), options);
  std::vector<engine::Summary> grid;
  for (std::size_t p = 0; p < layout.points.size(); ++p) {
    const std::uint64_t row = p * per_point;
    const auto holder = std::find_if(order.begin(), order.end(), [&](const Shard* s) {
      return s->first <= row && row + per_point <= s->first + s->runs;
    });
    if (holder == order.end()) {
      throw UsageError("no shard holds all of point " + std::to_string(p) +
                       " (allowed: shards of parley sweep --shard K/N)");
    }
    engine::SummaryBuilder summary(scenarios[p]);
    replay_stored(scenarios[p], sampler,
                  {(*holder)->path, row - (*holder)->first, 0, per_point, options.seed, 0, p},
                  engine::EngineOptions{}.block_runs, [&](const engine::RunBlock& b) {
                    out.write(b);
                    summary.add(b);
                  });
    grid.push_back(summary.finish());
  }
  out.write_grid(grid);
  out.commit();
  if (!quiet) {
    std::cout << "  merged " << order.size() << " shards of the sweep (" << layout.points.size()
              << " points) into " << output << "\n";
  }
  return kExitOk;
}

// Parses `visible` plus any number of positional FILEs; nothing when help was printed.
std::optional<std::vector<std::string>> parse_files(const std::vector<std::string>& args,
                                                    po::options_description& visible,
                                                    po::variables_map& vm) {
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("files", po::value<std::vector<std::string>>(), "files");
  po::positional_options_description positional;
  positional.add("files", -1);
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return std::nullopt;
  }
  return vm.count("files") ? vm["files"].as<std::vector<std::string>>()
                           : std::vector<std::string>{};
}

}  // namespace

int cmd_merge(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description visible(
      "parley merge OUT.h5 SHARD.h5... — join the shards of one run (parley run --shard K/N or "
      "-n A:B) into the file the unsharded run writes");
  auto add = visible.add_options();
  add("output,o", po::value<std::string>(), "the merged file (or give it first)");
  add("force", "overwrite an existing output file");
  add("quiet,q", "print no summary");
  po::variables_map vm;
  const auto parsed = parse_files(args, visible, vm);
  if (!parsed) return kExitOk;
  std::vector<std::string> files = *parsed;
  std::string output = vm.count("output") ? vm["output"].as<std::string>() : "";
  if (output.empty() && !files.empty()) {
    output = files.front();
    files.erase(files.begin());
  }
  if (output.empty() || files.empty()) throw UsageError("give the output file and the shards");
  return merge_files(output, files, command_line, vm.count("force") > 0, vm.count("quiet") > 0);
}

int merge_files(const std::string& output, const std::vector<std::string>& files,
                const std::string& command_line, bool force, bool quiet) {
  if (!force && io::file_exists(output)) {
    throw UsageError(output + ": file exists (use --force to overwrite it)");
  }
  std::vector<Shard> shards;
  for (const auto& f : files) shards.push_back(read_shard(f));
  for (const Shard& s : shards) {
    if (!s.complete) {
      throw UsageError(s.path +
                       ": an incomplete shard (finish it with parley run --resume, or "
                       "run it again)");
    }
  }
  check_same_run(shards);
  std::vector<const Shard*> order;
  for (const Shard& s : shards) order.push_back(&s);
  const Coverage c = coverage(order);
  if (!c.gaps.empty() || !c.overlaps.empty()) {
    std::string problem;
    if (!c.gaps.empty()) problem += "no shard holds runs " + ranges(c.gaps);
    if (!c.overlaps.empty()) {
      problem += (problem.empty() ? "" : "; ") + std::string("more than one shard holds runs ") +
                 ranges(c.overlaps);
    }
    throw UsageError("the shards do not cover runs 0:" + std::to_string(c.total) +
                     " exactly once: " + problem);
  }
  std::sort(order.begin(), order.end(),
            [](const Shard* x, const Shard* y) { return x->first < y->first; });

  // The scenario exactly as run, and the file the unsharded run writes.
  const Shard& head = *order.front();
  scenario::Scenario s =
      scenario::load_scenario_text(head.info.attribute("scenario_toml"), head.path, {});
  s.overrides = head.info.lines("overrides");
  if (head.sweep) return merge_sweep(output, order, c.total, s, command_line, force, quiet);
  const engine::Sampler sampler(s);
  io::RunsFileOptions options;
  options.command_line = command_line;
  options.seed = attribute_count(head.info, "seed", head.path);
  options.runs = c.total;
  options.compress = static_cast<int>(attribute_count(head.info, "compress", head.path));
  options.trace_runs = attribute_count(head.info, "trace_runs", head.path);
  options.overwrite = force ? io::Overwrite::allow : io::Overwrite::refuse;
  io::RunsFile out(output, s, sampler.columns(), options);
  engine::SummaryBuilder summary(s);
  std::vector<std::string> issue_ids;
  for (const auto& issue : s.issues) issue_ids.push_back(issue.id);
  engine::SensitivityBuilder sensitivity(sampler.columns().size(), issue_ids);
  Progress progress(c.total, !quiet);
  std::uint64_t done = 0;
  for (const Shard* shard : order) {
    replay_stored(s, sampler,
                  {shard->path, 0, shard->first, shard->runs, options.seed, options.trace_runs, 0},
                  engine::EngineOptions{}.block_runs, [&](const engine::RunBlock& b) {
                    out.write(b);
                    summary.add(b);
                    sensitivity.add(b);
                    done += b.count;
                    progress.update(done);
                  });
  }
  progress.finish();
  engine::Summary result = summary.finish();
  out.flush();
  result.write_seconds = out.write_seconds();
  out.write_summary(result);
  out.write_sensitivity(sensitivity.finish());
  out.commit();
  if (!quiet) {
    std::cout << format_summary(s, result) << "  merged " << order.size() << " shards into "
              << output << "\n";
  }
  return kExitOk;
}

std::string rank_file(const std::string& output, int rank, int ranks) {
  return output + ".rank-" + std::to_string(rank) + "-of-" + std::to_string(ranks) + ".h5";
}

int merge_on_ranks(const std::string& command, const std::string& output,
                   const std::string& command_line, bool quiet,
                   const std::function<int()>& compute) {
  int rc = kExitRuntime;
  try {
    rc = compute();
  } catch (const std::exception& e) {
    // Every rank must reach the reduction below, or the others would wait for it forever.
    std::cerr << "parley " << command << " (rank " << mpi::rank() << "): " << e.what() << "\n";
  }
  rc = mpi::max_over_ranks(rc);
  if (mpi::rank() != 0 || rc != kExitOk) return rc;
  std::vector<std::string> files;
  for (int r = 0; r < mpi::size(); ++r) files.push_back(rank_file(output, r, mpi::size()));
  const int merged = merge_files(output, files, command_line, true, quiet);
  if (merged == kExitOk) {
    for (const auto& f : files) std::remove(f.c_str());
  }
  return merged;
}

int cmd_status(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley status SHARD... — which shards of a run are done, incomplete or missing (exit 0 "
      "when the shards cover the run exactly once, 1 otherwise)");
  po::variables_map vm;
  const auto files = parse_files(args, visible, vm);
  if (!files) return kExitOk;
  if (files->empty()) throw UsageError("give the shard files");
  std::vector<Shard> shards;
  std::vector<std::string> unreadable;
  for (const auto& f : *files) {
    try {
      shards.push_back(read_shard(f));
    } catch (const std::exception& e) {
      unreadable.push_back(f + " (" + e.what() + ")");
    }
  }
  std::printf("  %-40s %-10s %-12s %s\n", "file", "shard", "runs", "state");
  std::vector<const Shard*> done;
  std::map<std::uint64_t, bool> shard_seen;  // K of K/N shards present and complete
  std::uint64_t n_shards = 0;
  for (const Shard& s : shards) {
    const std::string runs = std::to_string(s.first) + ":" + std::to_string(s.first + s.runs);
    std::printf("  %-40s %-10s %-12s %s\n", s.path.c_str(), s.shard.empty() ? "-" : s.shard.c_str(),
                runs.c_str(), s.complete ? "complete" : "incomplete (resume it)");
    if (s.complete) done.push_back(&s);
    const auto slash = s.shard.find('/');
    if (slash != std::string::npos && s.complete) {
      shard_seen[std::stoull(s.shard.substr(0, slash))] = true;
      n_shards = std::stoull(s.shard.substr(slash + 1));
    }
  }
  for (const auto& u : unreadable) std::printf("  %s: unreadable\n", u.c_str());
  bool whole = !done.empty() && unreadable.empty();
  if (!done.empty()) {
    const Coverage c = coverage(done);
    if (!c.gaps.empty()) std::printf("\n  missing runs: %s\n", ranges(c.gaps).c_str());
    if (!c.overlaps.empty()) std::printf("  runs held twice: %s\n", ranges(c.overlaps).c_str());
    whole = whole && c.gaps.empty() && c.overlaps.empty();
  }
  if (n_shards > 0) {
    std::string missing;
    for (std::uint64_t k = 1; k <= n_shards; ++k) {
      if (!shard_seen.count(k)) missing += (missing.empty() ? "" : " ") + std::to_string(k);
    }
    if (!missing.empty()) {
      std::printf("  shards to (re)submit: %s (of %llu)\n", missing.c_str(),
                  static_cast<unsigned long long>(n_shards));
    }
  }
  std::printf("\n  %s\n",
              whole ? "every run is held exactly once: ready to merge" : "not ready to merge");
  return whole ? kExitOk : kExitRuntime;
}

}  // namespace parley::cli
