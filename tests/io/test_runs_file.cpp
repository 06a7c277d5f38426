// The io layer in C++: a RunsFile written from engine blocks reads back through RunsReader
// column for column, bit for bit; FileInfo reads the header it wrote; an interrupted file
// reads back as the partial run it is; and readers refuse another major format version.
#include <gtest/gtest.h>

#include <hdf5.h>
#include <hdf5_hl.h>
#include <zlib.h>
#include <fstream>
#include <sstream>

#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "common/scenarios.hpp"
#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/partial_file.hpp"
#include "parley/io/run_header.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using parley::testing::default_scenario;
using parley::testing::scenario_with_shocks;
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

io::RunHeader header_for(std::uint64_t runs) {
  io::RunHeader h = io::RunHeader::of_plan({5, 0, runs, 0}, runs);
  h.command_line = "test";
  return h;
}

// Every column of `got` equals `want` byte for byte (NaNs included).
void expect_same(const engine::RunBlock& want, const engine::RunBlock& got) {
  engine::for_each_run_column(
      want, got, [&](const auto& a, const auto& b, const engine::RunColumn& c) {
        ASSERT_EQ(a.size(), b.size()) << c.name;
        if (a.empty()) return;  // a column across shocks, with none (memcmp takes no null)
        EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])), 0) << c.name;
      });
  ASSERT_EQ(want.parameters.size(), got.parameters.size());
  EXPECT_EQ(want.parameters.empty() || std::memcmp(want.parameters.data(), got.parameters.data(),
                                                   want.parameters.size() * sizeof(double)) == 0,
            true);
}

}  // namespace

TEST(RunsFile, RowsReadBackBitForBit) {
  for (const bool shocks : {false, true}) {
    Folder tmp;
    const auto s = shocks ? scenario_with_shocks() : default_scenario();
    engine::Sampler sampler(s);
    const std::uint64_t runs = 300;
    const auto blocks = run_blocks(s, sampler, runs);
    const std::string path = (tmp.path / "out.h5").string();
    {
      io::RunsFile file(path, s, sampler.columns(), header_for(runs), io::Overwrite::refuse);
      for (const auto& b : blocks) file.write(b);
      file.commit();
    }
    io::RunsReader reader(path, s, sampler);
    for (const auto& want : blocks) {
      engine::RunBlock got;
      got.resize(want.count, want.agents, want.issues, want.sampled, want.shocks);
      reader.read(got, want.first);
      expect_same(want, got);
    }
    // The header as written.
    const io::FileInfo info = io::read_file_info(path);
    EXPECT_EQ(info.header.filetype, io::kRunsFiletype);
    EXPECT_EQ(info.header.format_version, io::kFormatVersion);
    EXPECT_EQ(info.header.rows, runs);
    EXPECT_EQ(info.header.seed, 5u);
    EXPECT_TRUE(info.header.complete);
    EXPECT_EQ(info.header.runs_done, runs);
    EXPECT_FALSE(info.header.shard.has_value());
    EXPECT_EQ(info.header.scenario_toml, s.toml_text);
    EXPECT_EQ(info.agents.size(), s.agents.size());
    EXPECT_EQ(info.issues.size(), s.issues.size());
    // One dataset per table column, each of `runs` rows, but none across no shocks.
    for (const auto& c : engine::run_columns()) {
      const auto it = std::find_if(info.datasets.begin(), info.datasets.end(), [&](const auto& d) {
        return d.path == std::string("runs/") + c.name;
      });
      if (c.width(blocks[0]) == 0) {  // (a scenario without shocks)
        EXPECT_EQ(it, info.datasets.end()) << c.name;
        continue;
      }
      ASSERT_NE(it, info.datasets.end()) << c.name;
      EXPECT_EQ(it->shape.front(), runs) << c.name;
      EXPECT_EQ(it->shape.size(), c.across == engine::RunColumn::Across::run ? 1u : 2u) << c.name;
    }
    EXPECT_EQ(blocks[0].shocks, default_scenario().shocks.size() + (shocks ? 2u : 0u));
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
    io::RunsFile file(path, s, sampler.columns(), header_for(200), io::Overwrite::refuse);
    for (std::size_t j = 0; j < 3; ++j) {  // the first three blocks only
      file.write(blocks[j]);
      done += blocks[j].count;
    }
    partial = file.commit_partial(done);
  }
  EXPECT_EQ(partial, path + ".partial");
  EXPECT_FALSE(fs::exists(path));
  const io::PartialRun p = io::read_partial(partial);
  EXPECT_EQ(p.header.runs_done, done);
  EXPECT_FALSE(p.header.complete);
  EXPECT_EQ(p.header.rows, 200u);
  EXPECT_EQ(p.header.seed, 5u);
  EXPECT_EQ(p.target, path);
  io::RunsReader reader(partial, s, sampler);
  engine::RunBlock got;
  got.resize(blocks[1].count, blocks[1].agents, blocks[1].issues, blocks[1].sampled,
             blocks[1].shocks);
  reader.read(got, blocks[1].first);
  expect_same(blocks[1], got);
}

// Every index or flag column is checked on read-back against the range the runs it holds can
// take, with the bounds written out here by hand (from the default scenario: 4 agents, 6
// issues, 4 ceasefire designs, durability.horizon 24, no agenda, two shocks added): a value just
// outside either end is refused, naming the column and the row. The columns the table checks are
// exactly these.
TEST(RunsReader, RefusesAValueOutsideTheRangeOfEveryIndexOrFlagColumn) {
  const auto s = scenario_with_shocks();
  ASSERT_EQ(s.agents.size(), 4u);
  ASSERT_EQ(s.issues.size(), 6u);
  ASSERT_EQ(s.ceasefire.designs.size(), 4u);
  ASSERT_EQ(s.durability.horizon, 24);
  ASSERT_TRUE(s.protocol.agenda.empty());
  ASSERT_FALSE(s.shocks.empty());
  // Per column: the value just below its least and just above its largest (none: any round).
  const std::map<std::string, std::pair<int, std::optional<int>>> outside = {
      {"last_round", {0, {}}},       {"agreement", {-1, 2}},     {"outcome", {-1, 8}},
      {"round", {-2, {}}},           {"blocker", {-2, 4}},       {"obstacle", {-2, 6}},
      {"obstacle_second", {-2, 6}},  {"revealed", {-2, {}}},     {"breakdown", {-2, 25}},
      {"breakdown_cause", {-2, 2}},  {"stages_agreed", {-2, 1}}, {"ceasefire_round", {-2, {}}},
      {"ceasefire_design", {-2, 4}}, {"bracketed", {-1, 2}},     {"shock_round", {-2, {}}},
      {"refusals", {-1, {}}},        {"disengaged", {-2, {}}},   {"challenge_rounds", {-2, {}}},
  };
  std::size_t checked = 0;
  for (const auto& c : engine::run_columns())
    if (c.upper != engine::RunColumn::Upper::unchecked) {
      ++checked;
      EXPECT_TRUE(outside.count(c.name)) << c.name << " is checked but not listed here";
    }
  EXPECT_EQ(checked, outside.size());

  Folder tmp;
  engine::Sampler sampler(s);
  const auto blocks = run_blocks(s, sampler, 40);
  const std::string path = (tmp.path / "out.h5").string();
  {
    io::RunsFile file(path, s, sampler.columns(), header_for(40), io::Overwrite::refuse);
    for (const auto& b : blocks) file.write(b);
    file.commit();
  }
  const std::uint64_t row = 3;
  for (const auto& [name, ends] : outside) {
    std::vector<int> values = {ends.first};
    if (ends.second) values.push_back(*ends.second);
    for (const int value : values) {
      const std::string damaged = (tmp.path / ("damaged-" + name + ".h5")).string();
      fs::copy_file(path, damaged, fs::copy_options::overwrite_existing);
      {
        // Row 3, first value across issues or shocks, rewritten in the file's own type.
        const hid_t f = H5Fopen(damaged.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        ASSERT_GE(f, 0);
        const hid_t d = H5Dopen2(f, ("runs/" + name).c_str(), H5P_DEFAULT);
        ASSERT_GE(d, 0) << name;
        const hid_t space = H5Dget_space(d);
        const int rank = H5Sget_simple_extent_ndims(space);
        const hsize_t start[2] = {row, 0}, count[2] = {1, 1};
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
        const hsize_t one = 1;
        const hid_t memory = H5Screate_simple(1, &one, nullptr);
        ASSERT_GE(rank, 1);
        EXPECT_GE(H5Dwrite(d, H5T_NATIVE_INT, memory, space, H5P_DEFAULT, &value), 0);
        H5Sclose(memory);
        H5Sclose(space);
        H5Dclose(d);
        H5Fclose(f);
      }
      io::RunsReader reader(damaged, s, sampler);
      engine::RunBlock got;
      got.resize(blocks[0].count, blocks[0].agents, blocks[0].issues, blocks[0].sampled,
                 blocks[0].shocks);
      try {
        reader.read(got, 0);
        ADD_FAILURE() << name << " = " << value << " was read back";
      } catch (const io::InvalidFile& e) {
        EXPECT_NE(std::string(e.what()).find("runs/" + name + ": " + std::to_string(value) +
                                             " at row " + std::to_string(row)),
                  std::string::npos)
            << e.what();
      }
    }
  }
}

TEST(RunsFile, ReadersRefuseAnotherMajorFormat) {
  Folder tmp;
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  const std::string path = (tmp.path / "out.h5").string();
  {
    io::RunsFile file(path, s, sampler.columns(), header_for(10), io::Overwrite::refuse);
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
  } catch (const io::InvalidFile& e) {
    EXPECT_NE(std::string(e.what()).find("format_version 2.3 is of another major format"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(io::check_format_version(path, "1.9"));
  EXPECT_THROW(io::check_format_version(path, "1"), io::InvalidFile);
  EXPECT_THROW(io::check_format_version(path, "1.0.1"), io::InvalidFile);
  EXPECT_THROW(io::check_format_version(path, ""), io::InvalidFile);
}

namespace {

// Writes a small file with `header` (no rows written: an interrupted file of 0 runs done).
void write_header_file(const std::string& path, const io::RunHeader& header) {
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  io::RunsFile file(path, s, sampler.columns(), header, io::Overwrite::allow);
  file.commit_partial(0);
  std::filesystem::rename(path + ".partial", path);
}

// text_crc32 as docs/output.md ("Output layout") defines it, computed with zlib's CRC-32: over each
// text attribute present, in the documented order, its name, a NUL, its value and a NUL.
long long text_crc32_of(hid_t f) {
  static const char* names[] = {"filetype",     "format_version", "parley_version", "created_utc",
                                "command_line", "scenario_name",  "scenario_toml",  "overrides",
                                "protocol",     "shard",          "varied",         "design",
                                "sweep_points", "sweep_axes"};
  uLong crc = crc32(0L, Z_NULL, 0);
  for (const char* name : names) {
    if (H5Aexists(f, name) <= 0) continue;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    hid_t type = H5Aget_type(a);
    std::string value;
    if (H5Tis_variable_str(type) > 0) {
      char* p = nullptr;
      H5Aread(a, type, &p);
      value = p;
      H5free_memory(p);
    } else {
      value.assign(H5Tget_size(type), '\0');
      H5Aread(a, type, value.data());
      value = value.c_str();
    }
    H5Tclose(type);
    H5Aclose(a);
    const char nul = '\0';
    crc = crc32(crc, reinterpret_cast<const Bytef*>(name), static_cast<uInt>(std::strlen(name)));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(&nul), 1);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(value.data()), static_cast<uInt>(value.size()));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(&nul), 1);
  }
  return static_cast<long long>(crc);
}

// Replaces (or with neither text nor number, deletes) a root attribute. With `reseal`, the
// text checksum is made to match again, as a file written that way would have it: the check
// that follows the checksum is what is tested.
void replace_attribute(const std::string& path, const char* name, const std::string* text,
                       const long long* number, bool reseal = true) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  if (H5Aexists(f, name) > 0) ASSERT_GE(H5Adelete(f, name), 0);
  if (text) ASSERT_GE(H5LTset_attribute_string(f, "/", name, text->c_str()), 0);
  if (number) ASSERT_GE(H5LTset_attribute_long_long(f, "/", name, number, 1), 0);
  if (reseal && H5Aexists(f, "text_crc32") > 0) {
    const long long crc = text_crc32_of(f);
    ASSERT_GE(H5Adelete(f, "text_crc32"), 0);
    ASSERT_GE(H5LTset_attribute_long_long(f, "/", "text_crc32", &crc, 1), 0);
  }
  H5Fclose(f);
}

}  // namespace

TEST(RunHeader, ReadsBackWhatWasWrittenShardAndSweepIncluded) {
  Folder tmp;
  const std::string path = (tmp.path / "h.h5").string();
  io::RunHeader h = io::RunHeader::of_plan({77, 20, 10, 3}, 40, "3/4");
  h.command_line = "parley sweep x";
  h.compress = 4;
  io::SweepLayout layout;
  layout.keys = {"a.b", "c"};
  layout.design = "lhs";
  layout.points = {{0.1, 1.0 / 3.0}, {0.2, 2.0}, {0.3, -1e-300}, {0.4, 5.5}};
  layout.runs_per_point = 10;
  h.sweep = layout;
  write_header_file(path, h);
  const io::StoredHeader got = io::read_run_header(path);
  EXPECT_EQ(got.filetype, io::kSweepFiletype);
  EXPECT_EQ(got.seed, 77u);
  EXPECT_EQ(got.rows, 10u);
  EXPECT_EQ(got.trace_runs, 3u);
  EXPECT_EQ(got.compress, 4);
  EXPECT_EQ(got.command_line, h.command_line);
  ASSERT_TRUE(got.shard.has_value());
  EXPECT_EQ(got.first(), 20u);
  EXPECT_EQ(got.whole(), 40u);
  EXPECT_EQ(got.shard->label, "3/4");
  ASSERT_TRUE(got.sweep.has_value());
  EXPECT_EQ(*got.sweep, layout);  // every double bit for bit
  EXPECT_FALSE(got.complete);
  EXPECT_EQ(got.runs_done, 0u);
  const engine::RunPlan plan = got.plan();
  EXPECT_EQ(plan.first, 20u);
  EXPECT_EQ(plan.count, 10u);
  // The whole run is not a shard.
  EXPECT_FALSE(io::RunHeader::of_plan({1, 0, 5, 0}, 5).shard.has_value());
}

// Every header problem is named (file and attribute) and refused, never read as a number.
TEST(RunHeader, RefusesDamagedHeaders) {
  Folder tmp;
  const std::string good = (tmp.path / "good.h5").string();
  io::RunHeader h = io::RunHeader::of_plan({5, 10, 10, 0}, 30, "2/3");
  write_header_file(good, h);
  ASSERT_NO_THROW(io::read_run_header(good));
  struct Damage {
    const char* attribute;
    std::optional<std::string> text;
    std::optional<long long> number;
    const char* expect;
  };
  const std::vector<Damage> damages = {
      {"runs_done", {}, 11, "attribute runs_done is 11, above the file's 10 runs"},
      {"runs_done", {}, -1, "attribute runs_done is \"-1\""},
      {"seed", std::string("seven"), {}, "attribute seed is \"seven\""},
      {"runs", {}, std::nullopt, "attribute runs is missing"},
      {"shard_first", {}, 25, "attribute shard_first puts runs 25:35 outside the whole run of 30"},
      {"runs_total", {}, 15, "outside the whole run of 15"},
      {"complete", {}, 2, "attribute complete is \"2\""},
      {"compress", {}, 12, "attribute compress is \"12\""},
      {"scenario_toml", {}, std::nullopt, "attribute scenario_toml is missing"},
      {"filetype", std::string("parley-sobol"), {}, "not a Parley file"},
      {"format_version", std::string("7.0"), {}, "another major format"},
      {"text_crc32", {}, 12345, "attribute text_crc32 does not match the file's text attributes"},
      {"text_crc32", {}, std::nullopt, "attribute text_crc32 is missing"},
  };
  for (const Damage& d : damages) {
    const std::string path = (tmp.path / (std::string(d.attribute) + ".h5")).string();
    std::filesystem::copy_file(good, path, std::filesystem::copy_options::overwrite_existing);
    replace_attribute(path, d.attribute, d.text ? &*d.text : nullptr,
                      d.number ? &*d.number : nullptr, std::string(d.attribute) != "text_crc32");
    try {
      io::read_run_header(path);
      ADD_FAILURE() << d.attribute << ": a damaged header was read";
    } catch (const io::InvalidFile& e) {
      EXPECT_NE(std::string(e.what()).find(d.expect), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind(path, 0), 0u) << e.what();
    }
  }
}

// A text attribute changed as a damaged heap would change it (the scenario run again by a
// resume among them), with the checksum left as written, is refused.
TEST(RunHeader, RefusesATextAttributeThatNoLongerMatchesItsChecksum) {
  Folder tmp;
  const std::string good = (tmp.path / "good.h5").string();
  write_header_file(good, io::RunHeader::of_plan({5, 0, 10, 0}, 10));
  ASSERT_NO_THROW(io::read_run_header(good));
  for (const char* name : {"scenario_toml", "overrides", "command_line", "protocol"}) {
    const std::string path = (tmp.path / (std::string(name) + ".h5")).string();
    fs::copy_file(good, path, fs::copy_options::overwrite_existing);
    const std::string text = "changed";
    replace_attribute(path, name, &text, nullptr, false);
    try {
      io::read_run_header(path);
      ADD_FAILURE() << name << ": a changed text was read";
    } catch (const io::InvalidFile& e) {
      EXPECT_NE(std::string(e.what()).find("text_crc32 does not match"), std::string::npos)
          << e.what();
    }
  }
}

TEST(RunHeader, RefusesASweepLayoutThatDoesNotMatchItsRows) {
  Folder tmp;
  const std::string good = (tmp.path / "sweep.h5").string();
  io::RunHeader h = io::RunHeader::of_plan({5, 0, 20, 0}, 20);
  io::SweepLayout layout;
  layout.keys = {"k"};
  layout.design = "factorial";
  layout.axes = {{1, 2}};
  layout.points = {{1}, {2}};
  layout.runs_per_point = 10;
  h.sweep = layout;
  write_header_file(good, h);
  ASSERT_NO_THROW(io::read_run_header(good));
  const std::vector<
      std::tuple<const char*, std::optional<std::string>, std::optional<long long>, const char*>>
      damages = {
          {"runs_per_point", {}, 7, "7 times 2 points is not the sweep's 20 runs"},
          {"sweep_points", std::string("1\n2 3\n"), {}, "has a row of 2 numbers"},
          {"sweep_points", std::string("1\nnan\n"), {}, "holds \"nan\""},
          {"points", {}, 3, "holds 2 points (allowed: the 3 of attribute points"},
          {"design", std::string("grid"), {}, "attribute design is \"grid\""},
      };
  for (const auto& [name, text, number, expect] : damages) {
    const std::string path = (tmp.path / (std::string(name) + ".h5")).string();
    std::filesystem::copy_file(good, path, std::filesystem::copy_options::overwrite_existing);
    replace_attribute(path, name, text ? &*text : nullptr, number ? &*number : nullptr);
    try {
      io::read_run_header(path);
      ADD_FAILURE() << name << ": a damaged sweep header was read";
    } catch (const io::InvalidFile& e) {
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
    }
  }
}

TEST(RunHeader, PartsOfOneRunDifferOnlyInTheirSlice) {
  Folder tmp;
  const std::string a = (tmp.path / "a.h5").string(), b = (tmp.path / "b.h5").string(),
                    c = (tmp.path / "c.h5").string();
  write_header_file(a, io::RunHeader::of_plan({5, 0, 10, 2}, 30, "1/3"));
  write_header_file(b, io::RunHeader::of_plan({5, 10, 10, 2}, 30, "2/3"));
  write_header_file(c, io::RunHeader::of_plan({6, 20, 10, 2}, 30, "3/3"));
  const auto ha = io::read_run_header(a), hb = io::read_run_header(b), hc = io::read_run_header(c);
  EXPECT_FALSE(io::differs_as_run(ha, hb).has_value());
  EXPECT_EQ(io::differs_as_run(ha, hc), std::optional<std::string>("seed"));
}

// The limits agree: a population of as many particles as calibrate may make for the default
// scenario (engine::most_particles), every number as long as %.17g writes one, is stored in a runs
// file's header and read back exactly (a text attribute is read up to 64 MiB).
TEST(RunHeader, TheLargestPopulationCalibrateMakesIsStoredAndReadBack) {
  Folder tmp;
  const std::string path = (tmp.path / "p.h5").string();
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  std::vector<std::string> keys = sampler.factors();
  keys.resize(sampler.scalar_factors());
  const std::uint64_t n = engine::most_particles(keys);
  ASSERT_GT(n, 1000u);
  engine::Population pop;
  pop.parameters = keys;
  pop.weights.assign(n, 1.0 / static_cast<double>(n));
  pop.particles.assign(n * keys.size(), -1.2345678901234567e-300);  // 24 characters at %.17g
  io::RunHeader h = header_for(10);
  h.posterior = pop;
  h.posterior_source = "a test";
  write_header_file(path, h);
  const io::StoredHeader got = io::read_run_header(path);
  ASSERT_TRUE(got.posterior.has_value());
  EXPECT_EQ(got.posterior->size(), n);
  EXPECT_EQ(got.posterior->particles, pop.particles);
  EXPECT_GT(std::filesystem::file_size(path), engine::kMostPopulationBytes * 9 / 10);
}
