#pragma once
// Reading back what a Parley file says about itself, for `parley info`: its root
// attributes, the shapes of its datasets and its summary.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::io {

struct DatasetInfo {
  std::string path;  // e.g. "runs/deal"
  std::vector<std::uint64_t> shape;
  std::string type;  // "int8", "int32", "int64", "float64", "string"
};

struct FileInfo {
  std::vector<std::pair<std::string, std::string>> attributes;  // root attributes, as text
  std::vector<DatasetInfo> datasets;
  std::vector<std::string> agents, issues;
  // The summary group (empty vectors where absent).
  double p_agreement = 0.0, p_low = 0.0, p_high = 0.0;
  std::vector<double> outcome_count, rounds, mean_utility, blocker_share, obstacle_share, deal_mean;
  std::vector<std::vector<double>> deal_quantiles;  // [issue][quantile]
  std::vector<double> quantiles;
  bool has_summary = false;

  std::string attribute(const std::string& name) const;  // "" when absent
  // A non-negative integer attribute; nothing when absent or not one.
  std::optional<std::uint64_t> count(const std::string& name) const;
  // A text attribute's lines (the overrides, a sweep's varied keys); none when absent.
  std::vector<std::string> lines(const std::string& name) const;
};

// Throws IoError when the file cannot be read as HDF5, and std::invalid_argument when it is
// not a Parley file (no or an unknown `filetype`) or one of another major format version.
FileInfo read_file_info(const std::string& path);

// Throws std::invalid_argument unless `version` is "MAJOR.MINOR" with this Parley's major
// format version (kFormatVersion): every reader of files (resume, merge, status, info)
// checks it before using anything else.
void check_format_version(const std::string& path, const std::string& version);

}  // namespace parley::io
