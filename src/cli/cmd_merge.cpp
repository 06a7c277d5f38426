// parley merge OUT SHARD... — join the shards of one run into the file the unsharded run
// writes. The merging itself is io::merge_shards; this file holds the options and printing.
#include <cstdio>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "mpi.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/merge.hpp"
#include "parley/io/run_header.hpp"
#include "progress.hpp"

namespace parley::cli {

namespace po = boost::program_options;

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
  std::vector<Input> inputs;
  for (const auto& f : files) inputs.push_back({f, "one of the shards merged"});
  refuse_output_among_inputs(output, inputs);
  if (!force && io::file_exists(output)) {
    throw UsageError(output + ": file exists (use --force to overwrite it)");
  }
  std::vector<io::StoredHeader> shards;
  std::uint64_t total = 0;
  for (const auto& f : files) {
    try {
      shards.push_back(io::read_run_header(f));
    } catch (const io::InvalidFile& e) {
      throw UsageError(e.what());
    }
    total = std::max(total, shards.back().whole());
  }
  Progress progress(total, !quiet);
  const io::Merged merged = io::merge_shards(output, shards, command_line,
                                             force ? io::Overwrite::allow : io::Overwrite::refuse,
                                             [&](std::uint64_t done) { progress.update(done); });
  progress.finish();
  if (quiet) return kExitOk;
  if (merged.summary) {
    std::cout << format_summary(merged.scenario, *merged.summary) << "  merged " << files.size()
              << " shards into " << output << "\n";
  } else {
    std::cout << "  merged " << files.size() << " shards of the sweep (" << merged.points
              << " points) into " << output << "\n";
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

}  // namespace parley::cli
