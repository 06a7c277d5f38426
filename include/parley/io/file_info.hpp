#pragma once
// Reading back what a Parley file says about itself, for `parley info`: its root
// attributes, the shapes of its datasets and its summary.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parley/engine/statistics.hpp"
#include "parley/io/posterior_file.hpp"
#include "parley/io/run_header.hpp"

namespace parley::io {

struct DatasetInfo {
  std::string path;  // e.g. "runs/deal"
  std::vector<std::uint64_t> shape;
  std::string type;  // "int8", "int32", "int64", "float64", "string"
};

struct FileInfo {
  StoredHeader header;  // the root attributes
  std::vector<DatasetInfo> datasets;
  std::vector<std::string> agents, issues;
  // The summary group (empty vectors where absent).
  double p_agreement = 0.0, p_low = 0.0, p_high = 0.0;
  std::vector<double> outcome_count, rounds;
  // By entry of engine::summary_statistics() (empty where absent, as in files before it), and
  // the labels of each scale they are stored along (agents, issues, shocks, ...).
  std::vector<std::vector<double>> statistics;
  std::array<std::vector<std::string>, engine::kAlongs> along;
  const std::vector<double>& statistic(std::string_view name) const {
    return statistics.at(engine::summary_statistic(name));
  }
  std::vector<std::vector<double>> deal_quantiles;  // [issue][quantile]
  std::vector<double> quantiles;
  bool has_summary = false;
};

// A "parley-sobol" file read back (parley info): what was run and the indices of P(agreement).
struct SobolInfo : Provenance {
  std::string command_line;
  std::uint64_t seed = 0, samples = 0;
  double p_agreement = 0.0;
  std::vector<std::string> factors;
  // Per factor: first order, its 95% interval, total, its 95% interval.
  std::vector<std::array<double, 6>> indices;
  std::vector<DatasetInfo> datasets;
  // "sobol-sequence" or "random"; "" in files from before the design was stored (and then
  // without design_a, design_b, y_a, y_b, y_ab).
  std::string design;
};
// Throws InvalidFile, naming the file, when it is not a Sobol file, its texts do not match
// their checksum, or its datasets do not have one finite value per factor (intervals ordered);
// where the design is stored: when design_a/design_b are not [samples, factors] with each
// column all finite or all NaN, the outputs not 0 or 1 of the right shapes, or the indices
// they give (engine::sobol_indices) not the stored ones.
SobolInfo read_sobol_info(const std::string& path);

// The root attribute `filetype` of an HDF5 file ("" where it has none). Throws InvalidFile when
// the file is not an HDF5 file that opens.
std::string stored_filetype(const std::string& path);

// Throws InvalidFile, naming the file, when it is not a Parley runs or sweep file, its header
// is not valid (see read_run_header), or its datasets cannot be read or are damaged.
FileInfo read_file_info(const std::string& path);

// Any Parley file, read and validated by the reader of its filetype: a posterior file
// (read_posterior_file), a Sobol file (read_sobol_info), else a runs or sweep file
// (read_file_info). `parley info` and the Python module's parley.open read files through here.
using AnyFile = std::variant<FileInfo, SobolInfo, StoredPosterior>;
AnyFile read_any_file(const std::string& path);

}  // namespace parley::io
