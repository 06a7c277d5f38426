// parley status SHARD... — which shards of a run are done, incomplete or missing.
#include <cstdio>
#include <filesystem>
#include <set>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/engine/shards.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/io/merge.hpp"
#include "parley/io/run_header.hpp"

namespace parley::cli {

namespace po = boost::program_options;

int cmd_status(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley status SHARD... — which shards of a run are done, incomplete or missing (exit 0 "
      "when the shards cover the run exactly once, 1 otherwise)");
  po::variables_map vm;
  const auto files = parse_files(args, visible, vm);
  if (!files) return kExitOk;
  if (files->empty()) throw UsageError("give the shard files");
  std::vector<io::StoredHeader> shards;
  std::vector<std::string> unreadable;
  for (const auto& f : *files) {
    try {
      shards.push_back(io::read_run_header(f));
    } catch (const std::exception& e) {
      unreadable.push_back(f + " (" + e.what() + ")");
    }
  }
  std::printf("  %-40s %-10s %-12s %s\n", "file", "shard", "runs", "state");
  std::vector<engine::Span> held;
  std::vector<std::string> complete_labels;
  std::uint64_t whole = 0;
  for (const io::StoredHeader& s : shards) {
    const std::string label = s.shard ? s.shard->label : "";
    const std::string runs = std::to_string(s.first()) + ":" + std::to_string(s.first() + s.rows);
    std::printf("  %-40s %-10s %-12s %s\n", s.path.c_str(), label.empty() ? "-" : label.c_str(),
                runs.c_str(), s.complete ? "complete" : "incomplete (resume it)");
    if (!s.complete) continue;
    held.push_back({s.first(), s.first() + s.rows});
    whole = std::max(whole, s.whole());
    complete_labels.push_back(label);
  }
  for (const auto& u : unreadable) std::printf("  %s: unreadable\n", u.c_str());
  bool ready = !held.empty() && unreadable.empty();
  if (!held.empty()) {
    const engine::Coverage c = engine::coverage(held, whole);
    if (!c.gaps.empty()) std::printf("\n  missing runs: %s\n", engine::ranges(c.gaps).c_str());
    if (!c.overlaps.empty())
      std::printf("  runs held twice: %s\n", engine::ranges(c.overlaps).c_str());
    ready = ready && c.exact();
  }
  if (const auto m = engine::missing_shards(complete_labels); m && !m->missing.empty()) {
    std::printf("  shards to (re)submit: %s (of %llu)\n", m->text().c_str(),
                static_cast<unsigned long long>(m->of));
  }
  // Temporaries of killed runs in the shards' folders (.NAME.XXXXXX.tmp, see io::AtomicPath):
  // named so that they can be removed once no run writes there any more.
  {
    std::set<std::string> folders, stale;
    for (const auto& f : *files) {
      const std::filesystem::path p(f);
      folders.insert(p.has_parent_path() ? p.parent_path().string() : ".");
    }
    for (const auto& folder : folders) {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (io::is_temporary_name(name) && entry.is_regular_file(ec))
          stale.insert(entry.path().string());
      }
    }
    if (!stale.empty()) {
      std::printf(
          "\n  temporary files of runs that were killed (remove them once no run writes "
          "here):\n");
      for (const auto& t : stale) std::printf("    %s\n", t.c_str());
    }
  }
  // Ready only if merge would take them: the same checks, without writing.
  if (ready) {
    try {
      io::check_mergeable(shards);
    } catch (const std::exception& e) {
      std::printf("\n  merge would refuse them: %s\n", e.what());
      ready = false;
    }
  }
  std::printf("\n  %s\n",
              ready ? "every run is held exactly once: ready to merge" : "not ready to merge");
  return ready ? kExitOk : kExitRuntime;
}

}  // namespace parley::cli
