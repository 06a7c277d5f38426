#pragma once
// Writing a run header into an HDF5 file and reading one from its attributes: private to
// parley_io (RunsFile writes, read_run_header and read_file_info read).
#include <hdf5.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hdf5.hpp"
#include "parley/io/run_header.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

// The names of the root attributes of every file Parley writes, here only.
namespace key {
inline constexpr const char* filetype = "filetype";
inline constexpr const char* format_version = "format_version";
inline constexpr const char* parley_version = "parley_version";
inline constexpr const char* created_utc = "created_utc";
inline constexpr const char* command_line = "command_line";
inline constexpr const char* scenario_name = "scenario_name";
inline constexpr const char* scenario_toml = "scenario_toml";
inline constexpr const char* overrides = "overrides";
inline constexpr const char* seed = "seed";
inline constexpr const char* runs = "runs";
inline constexpr const char* protocol = "protocol";
inline constexpr const char* complete = "complete";
inline constexpr const char* runs_done = "runs_done";
inline constexpr const char* trace_runs = "trace_runs";
inline constexpr const char* compress = "compress";
inline constexpr const char* shard_first = "shard_first";
inline constexpr const char* runs_total = "runs_total";
inline constexpr const char* shard = "shard";
inline constexpr const char* varied = "varied";
inline constexpr const char* design = "design";
inline constexpr const char* points = "points";
inline constexpr const char* runs_per_point = "runs_per_point";
inline constexpr const char* sweep_points = "sweep_points";
inline constexpr const char* sweep_axes = "sweep_axes";
inline constexpr const char* sweep_levels = "sweep_levels";
inline constexpr const char* posterior_source = "posterior_source";
inline constexpr const char* posterior_population = "posterior_population";
// Posterior files (posterior_file.cpp) seal these texts too, and have these numbers.
inline constexpr const char* particles = "particles";
inline constexpr const char* generations = "generations";
inline constexpr const char* quantile = "quantile";
inline constexpr const char* target = "target";
inline constexpr const char* min_acceptance = "min_acceptance";
inline constexpr const char* budget = "budget";
inline constexpr const char* max_generations = "max_generations";
// Sobol files (sobol_file.cpp).
inline constexpr const char* samples = "samples";
inline constexpr const char* evaluations = "evaluations";
inline constexpr const char* observations_toml = "observations_toml";
inline constexpr const char* stopped = "stopped";
inline constexpr const char* parameters = "parameters";
inline constexpr const char* text_crc32 = "text_crc32";
// The text attributes, in the order text_crc32 covers them.
inline constexpr const char* texts[] = {
    filetype,          format_version, parley_version,   created_utc,
    command_line,      scenario_name,  scenario_toml,    overrides,
    protocol,          shard,          varied,           design,
    sweep_points,      sweep_axes,     posterior_source, posterior_population,
    observations_toml, stopped,        parameters,       sweep_levels};
}  // namespace key

// The root attributes of a file Parley reads back (as h5::attributes_as_text reads them), each
// read with the file's name in every complaint (InvalidFile).
class Attributes {
 public:
  Attributes(std::string path, std::vector<std::pair<std::string, std::string>> list);
  bool has(const char* name) const { return values_.count(name) > 0; }
  const std::map<std::string, std::string>& values() const { return values_; }
  std::string text(const char* name) const;      // "" where missing
  std::string required(const char* name) const;  // refused where missing
  // A whole number from `least` to `most`.
  std::uint64_t count(const char* name, std::uint64_t most = (1ULL << 62),
                      std::uint64_t least = 0) const;
  // A number from `least` to `most`.
  double number(const char* name, double least, double most) const;
  // Rows of finite numbers, `width` per row (any width for 0; `each` says what a row holds).
  std::vector<std::vector<double>> table(const char* name, std::size_t width,
                                         const char* each = "one per varied key") const;
  // As table(), over `text` (a part of attribute `name`).
  std::vector<std::vector<double>> table_of(const char* name, const std::string& text,
                                            std::size_t width, const char* each) const;
  [[noreturn]] void fail(const std::string& name, const std::string& problem) const;

 private:
  std::string path_;
  std::map<std::string, std::string> values_;
};

// What a file read back records of its making, into `out` (its path and filetype are the
// caller's), and the command line that made it, returned: the version that wrote it and the
// scenario text are required, the rest are as stored ("" where a file of format 1.0 lacks
// them); with `all_required`, every one is required.
std::string read_provenance(const Attributes& a, Provenance& out, bool all_required);

// The root attributes of an open file, once its filetype is `filetype` (a `kind` file, e.g.
// "posterior"), its format version is one this Parley reads and its texts match text_crc32.
Attributes sealed_attributes(hid_t file, const std::string& path, const char* filetype,
                             const char* kind);

// What every file Parley writes says of its making: filetype, format_version, parley_version,
// created_utc, command_line, scenario_name, scenario_toml and protocol.
void write_provenance(hid_t root, const char* filetype, const scenario::Scenario& scenario,
                      const std::string& command_line);
// The root attributes of a new file, marked incomplete with no run done.
void write_run_header(hid_t root, const scenario::Scenario& scenario, const RunHeader& header);
// The global attributes of the CF conventions every Parley file carries: Conventions, title (the
// scenario's title and what the file holds) and history (when and by which command).
void write_conventions(hid_t root, const scenario::Scenario& scenario, const std::string& holds,
                       const std::string& command_line);
// Adds text_crc32, the checksum of the text attributes written so far (call it last).
void seal_texts(hid_t root);
// Throws InvalidFile, naming the file, unless `attributes` (of a file of format 1.1 on) have a
// format_version this Parley reads and a text_crc32 that matches their texts.
void check_sealed(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& attributes);
// Marks the file complete (or not) with `done` runs finished.
void mark_finished(hid_t root, bool complete, std::uint64_t done);
// The header from a file's attributes (as h5::attributes_as_text reads them); throws as
// read_run_header does.
StoredHeader header_from_attributes(const std::string& path,
                                    std::vector<std::pair<std::string, std::string>> attributes);

}  // namespace parley::io
