// The io layer in C++: a RunsFile written from engine blocks reads back through RunsReader
// column for column, bit for bit; FileInfo reads the header it wrote; an interrupted file
// reads back as the partial run it is; and readers refuse another major format version.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/partial_file.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path path;
  Folder() {
    char name[] = "/tmp/parley-io-XXXXXX";
    path = mkdtemp(name);
  }
  ~Folder() { fs::remove_all(path); }
};

scenario::Scenario default_scenario() {
  return scenario::load_scenario_file(std::string(PARLEY_SOURCE_DIR) +
                                      "/scenarios/miami-2025.toml");
}

// Runs [0, runs) of the scenario into blocks of `block_runs`, all kept.
std::vector<engine::RunBlock> run_blocks(const scenario::Scenario& s,
                                         const engine::Sampler& sampler, std::uint64_t runs) {
  std::vector<engine::RunBlock> blocks;
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 37;  // not a divisor of the file's chunk rows
  options.sink = [&](const engine::RunBlock& b) { blocks.push_back(b); };
  engine::run_plan(s, sampler, {5, 0, runs}, options);
  return blocks;
}

io::RunsFileOptions options_for(std::uint64_t runs) {
  io::RunsFileOptions o;
  o.command_line = "test";
  o.seed = 5;
  o.runs = runs;
  return o;
}

std::vector<std::string> parameter_keys(const engine::Sampler& sampler) {
  std::vector<std::string> keys;
  for (const auto& c : sampler.columns()) keys.push_back(c.key);
  return keys;
}

// Every column of `got` equals `want` byte for byte (NaNs included).
void expect_same(const engine::RunBlock& want, const engine::RunBlock& got) {
  engine::for_each_run_column(
      want, got, [&](const auto& a, const auto& b, const engine::RunColumn& c) {
        ASSERT_EQ(a.size(), b.size()) << c.name;
        EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])), 0) << c.name;
      });
  ASSERT_EQ(want.parameters.size(), got.parameters.size());
  EXPECT_EQ(std::memcmp(want.parameters.data(), got.parameters.data(),
                        want.parameters.size() * sizeof(double)),
            0);
}

}  // namespace

TEST(RunsFile, RowsReadBackBitForBit) {
  Folder tmp;
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  const std::uint64_t runs = 300;
  const auto blocks = run_blocks(s, sampler, runs);
  const std::string path = (tmp.path / "out.h5").string();
  {
    io::RunsFile file(path, s, sampler.columns(), options_for(runs));
    for (const auto& b : blocks) file.write(b);
    file.commit();
  }
  io::RunsReader reader(path, parameter_keys(sampler));
  for (const auto& want : blocks) {
    engine::RunBlock got;
    got.resize(want.count, want.agents, want.issues, want.sampled);
    reader.read(got, want.first);
    expect_same(want, got);
  }
  // The header as written.
  const io::FileInfo info = io::read_file_info(path);
  EXPECT_EQ(info.attribute("filetype"), io::kRunsFiletype);
  EXPECT_EQ(info.attribute("format_version"), io::kFormatVersion);
  EXPECT_EQ(info.count("runs"), runs);
  EXPECT_EQ(info.count("seed"), 5u);
  EXPECT_EQ(info.attribute("complete"), "1");
  EXPECT_EQ(info.agents.size(), s.agents.size());
  EXPECT_EQ(info.issues.size(), s.issues.size());
  // One dataset per table column, each of `runs` rows.
  for (const auto& c : engine::run_columns()) {
    const auto it = std::find_if(info.datasets.begin(), info.datasets.end(), [&](const auto& d) {
      return d.path == std::string("runs/") + c.name;
    });
    ASSERT_NE(it, info.datasets.end()) << c.name;
    EXPECT_EQ(it->shape.front(), runs) << c.name;
  }
}

TEST(RunsFile, AnInterruptedFileReadsBackAsItsFinishedRuns) {
  Folder tmp;
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  const auto blocks = run_blocks(s, sampler, 200);
  const std::string path = (tmp.path / "out.h5").string();
  std::uint64_t done = 0;
  std::string partial;
  {
    io::RunsFile file(path, s, sampler.columns(), options_for(200));
    for (std::size_t j = 0; j < 3; ++j) {  // the first three blocks only
      file.write(blocks[j]);
      done += blocks[j].count;
    }
    partial = file.commit_partial(done);
  }
  EXPECT_EQ(partial, path + ".partial");
  EXPECT_FALSE(fs::exists(path));
  const io::PartialRun p = io::read_partial(partial);
  EXPECT_EQ(p.done, done);
  EXPECT_EQ(p.runs, 200u);
  EXPECT_EQ(p.seed, 5u);
  EXPECT_EQ(p.target, path);
  io::RunsReader reader(partial, parameter_keys(sampler));
  engine::RunBlock got;
  got.resize(blocks[1].count, blocks[1].agents, blocks[1].issues, blocks[1].sampled);
  reader.read(got, blocks[1].first);
  expect_same(blocks[1], got);
}

TEST(RunsFile, ReadersRefuseAnotherMajorFormat) {
  Folder tmp;
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  const std::string path = (tmp.path / "out.h5").string();
  {
    io::RunsFile file(path, s, sampler.columns(), options_for(10));
    for (const auto& b : run_blocks(s, sampler, 10)) file.write(b);
    file.commit();
  }
  {
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    ASSERT_GE(H5Adelete(f, "format_version"), 0);
    ASSERT_GE(H5LTset_attribute_string(f, "/", "format_version", "2.3"), 0);
    H5Fclose(f);
  }
  try {
    io::read_file_info(path);
    FAIL() << "a format 2.3 file was read";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("format_version 2.3 is of another major format"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(io::check_format_version(path, "1.9"));
  EXPECT_THROW(io::check_format_version(path, "1"), std::invalid_argument);
  EXPECT_THROW(io::check_format_version(path, "1.0.1"), std::invalid_argument);
  EXPECT_THROW(io::check_format_version(path, ""), std::invalid_argument);
}
