// parley compare A.h5 B.h5 [C.h5 ...] — each later file against the first: the difference of
// every outcome measure, paired where the runs share their random numbers.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/study/compare.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/partial_file.hpp"
#include "parley/io/run_header.hpp"
#include "parley/scenario/load.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

// A complete runs file, opened for reading its runs (checked as every file read back is).
struct Opened {
  io::StoredHeader header;
  scenario::Scenario scenario;
  std::unique_ptr<engine::Sampler> sampler;
  std::unique_ptr<io::RunsReader> reader;
  engine::CompareSide side;

  explicit Opened(const std::string& path) : header(io::read_run_header(path)) {
    if (header.sweep) {
      throw UsageError(path +
                       ": a sweep (allowed: runs files; a sweep's points share their random "
                       "numbers already: see its grid/ and runs/point)");
    }
    if (!header.complete) {
      throw UsageError(path + ": an unfinished run, " + std::to_string(header.runs_done) + " of " +
                       std::to_string(header.rows) +
                       " runs (allowed: complete runs files; finish it with parley run --resume)");
    }
    scenario = scenario::load_scenario_text(header.scenario_toml, path, {});
    sampler = std::make_unique<engine::Sampler>(scenario);
    reader = std::make_unique<io::RunsReader>(path, scenario, *sampler);
    for (const auto& issue : scenario.issues) side.issues.push_back(issue.id);
    side.durability = scenario.durability.horizon > 0;
  }

  void read(engine::RunBlock& block, std::uint64_t row, std::uint64_t count) {
    block.resize(static_cast<std::size_t>(count), scenario.agents.size(), scenario.issues.size(),
                 sampler->columns().size(), scenario.shocks.size());
    reader->read(block, row);
  }
};

std::string number(double v) {
  if (!std::isfinite(v)) return "-";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

std::string signed_number(double v) {
  if (!std::isfinite(v)) return "-";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%+.4f", v);
  return buffer;
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

// A share that is 0 on both sides (an outcome neither has) says nothing: left out.
bool worth_showing(const engine::Measure& m, const engine::Difference& d) {
  using K = engine::Measure::Kind;
  const bool share = m.kind == K::outcome || m.kind == K::obstacle;
  return !(share && d.a == 0.0 && d.b == 0.0);
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley compare A.h5 B.h5 [C.h5 ...] — each later runs file against the first: the "
      "difference of every outcome measure with its standard error, paired run by run where "
      "the files share their seed and runs (common random numbers), independent otherwise");
  visible.add_options()("output,o", po::value<std::string>(),
                        "also write the differences as CSV (one row per file and measure)")(
      "force", "overwrite the CSV file if it exists")("quiet,q", "print nothing");
  po::variables_map vm;
  const auto files = parse_files(args, visible, vm);
  if (!files) return kExitOk;
  if (files->size() < 2) throw UsageError("give at least two runs files (the first is the base)");
  const std::string output = vm.count("output") ? vm["output"].as<std::string>() : "";
  if (!output.empty()) {
    std::vector<Input> inputs;
    for (const auto& f : *files) inputs.push_back({f, "a runs file being compared"});
    refuse_output_among_inputs(output, inputs);
    if (!vm.count("force") && io::file_exists(output))
      throw UsageError(output + ": file exists (use --force to overwrite it)");
  }
  const bool quiet = vm.count("quiet") > 0;

  std::vector<std::unique_ptr<Opened>> opened;
  for (const auto& f : *files) opened.push_back(std::make_unique<Opened>(f));
  Opened& base = *opened.front();
  std::string csv =
      "base,other,measure,base_value,other_value,difference,standard_error,low_95,high_95,"
      "paired,beyond_noise\n";
  constexpr std::uint64_t kRows = 4096;
  for (std::size_t i = 1; i < opened.size(); ++i) {
    Opened& other = *opened[i];
    const io::StoredHeader& a = base.header;
    const io::StoredHeader& b = other.header;
    // The same runs: the same seed and run indices, so run i drew the same numbers in both.
    const bool paired = a.seed == b.seed && a.first() == b.first() && a.rows == b.rows;
    engine::Comparison comparison(engine::comparable_measures(base.side, other.side), base.side,
                                  other.side, paired);
    engine::RunBlock block_a, block_b;
    if (paired) {
      for (std::uint64_t row = 0; row < a.rows; row += kRows) {
        const std::uint64_t count = std::min(kRows, a.rows - row);
        base.read(block_a, row, count);
        other.read(block_b, row, count);
        comparison.add_pair(block_a, block_b);
      }
    } else {
      for (std::uint64_t row = 0; row < a.rows; row += kRows) {
        base.read(block_a, row, std::min(kRows, a.rows - row));
        comparison.add_a(block_a);
      }
      for (std::uint64_t row = 0; row < b.rows; row += kRows) {
        other.read(block_b, row, std::min(kRows, b.rows - row));
        comparison.add_b(block_b);
      }
    }
    const std::vector<engine::Difference> differences = comparison.finish();
    if (!quiet) {
      std::printf(
          "%s against %s: %s\n", b.path.c_str(), a.path.c_str(),
          paired ? ("paired run by run (the same seed " + std::to_string(a.seed) + " and runs " +
                    std::to_string(a.first()) + " to " + std::to_string(a.first() + a.rows - 1) +
                    ": common random numbers)")
                       .c_str()
                 : ("independent (" +
                    std::string(a.seed != b.seed ? "different seeds" : "different runs") + ": " +
                    std::to_string(a.rows) + " and " + std::to_string(b.rows) + " runs)")
                       .c_str());
      std::printf("  %-34s %10s %10s %10s %9s   %-22s %s\n", "measure", "base", "other",
                  "difference", "s.e.", "95% interval", "beyond noise");
    }
    for (std::size_t m = 0; m < differences.size(); ++m) {
      const engine::Difference& d = differences[m];
      if (!worth_showing(comparison.measures()[m], d)) continue;
      const double lo = d.difference - 1.96 * d.se, hi = d.difference + 1.96 * d.se;
      if (!quiet) {
        const std::string interval =
            std::isfinite(d.se) ? "[" + signed_number(lo) + ", " + signed_number(hi) + "]" : "-";
        std::printf("  %-34s %10s %10s %10s %9s   %-22s %s\n", d.measure.c_str(),
                    number(d.a).c_str(), number(d.b).c_str(), signed_number(d.difference).c_str(),
                    number(d.se).c_str(), interval.c_str(),
                    !std::isfinite(d.se) ? "-"
                    : d.beyond_noise()   ? "yes"
                                         : "no");
      }
      csv += "\"" + a.path + "\",\"" + b.path + "\"," + d.measure + "," + csv_number(d.a) + "," +
             csv_number(d.b) + "," + csv_number(d.difference) + "," + csv_number(d.se) + "," +
             csv_number(lo) + "," + csv_number(hi) + "," + (d.paired ? "1" : "0") + "," +
             (std::isfinite(d.se) ? (d.beyond_noise() ? "1" : "0") : "") + "\n";
    }
    if (!quiet && i + 1 < opened.size()) std::printf("\n");
  }
  if (!quiet)
    std::printf(
        "  (beyond noise: the 95%% interval of the difference leaves out 0; a measure "
        "marked (deals) is a mean over the runs with a deal)\n");
  if (!output.empty()) {
    io::AtomicPath out(output, vm.count("force") ? io::Overwrite::allow : io::Overwrite::refuse);
    {
      std::ofstream f(out.temporary(), std::ios::binary);
      f << csv;
      f.close();
      if (!f) throw io::IoError(output + ": cannot write the CSV file");
    }
    out.commit();
    if (!quiet) std::printf("  output %s\n", output.c_str());
  }
  return kExitOk;
}

}  // namespace parley::cli
