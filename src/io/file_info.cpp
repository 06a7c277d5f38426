#include "parley/io/file_info.hpp"

#include <sstream>
#include <stdexcept>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/version.hpp"

namespace parley::io {
namespace {

std::string attribute_text(hid_t object, const std::string& name) {
  h5::Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
  h5::Handle type(H5Aget_type(attr), H5Tclose, "attribute type");
  h5::Handle space(H5Aget_space(attr), H5Sclose, "attribute space");
  if (H5Tget_class(type) == H5T_STRING) {
    if (H5Tis_variable_str(type) > 0) {
      h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
      H5Tset_size(memory, H5T_VARIABLE);
      H5Tset_cset(memory, H5T_CSET_UTF8);
      char* value = nullptr;
      h5::check(H5Aread(attr, memory, &value), "reading attribute " + name);
      std::string out = value ? value : "";
      H5free_memory(value);
      return out;
    }
    std::string out(H5Tget_size(type), '\0');
    h5::check(H5Aread(attr, type, out.data()), "reading attribute " + name);
    return out.c_str();
  }
  if (H5Sget_simple_extent_npoints(space) != 1) return "(array)";
  if (H5Tget_class(type) == H5T_INTEGER) {
    std::int64_t v = 0;
    h5::check(H5Aread(attr, H5T_NATIVE_INT64, &v), "reading attribute " + name);
    return std::to_string(v);
  }
  double v = 0.0;
  h5::check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v), "reading attribute " + name);
  return std::to_string(v);
}

herr_t collect_attribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto* out = static_cast<std::vector<std::pair<std::string, std::string>>*>(data);
  out->emplace_back(name, attribute_text(object, name));
  return 0;
}

std::string type_name(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_STRING:
      return "string";
    case H5T_INTEGER:
      return "int" + std::to_string(8 * H5Tget_size(type));
    case H5T_FLOAT:
      return "float" + std::to_string(8 * H5Tget_size(type));
    default:
      return "other";
  }
}

herr_t collect_dataset(hid_t, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  auto* args = static_cast<std::pair<hid_t, std::vector<DatasetInfo>*>*>(data);
  h5::Handle d(H5Dopen2(args->first, name, H5P_DEFAULT), H5Dclose, name);
  h5::Handle space(H5Dget_space(d), H5Sclose, "dataspace");
  h5::Handle type(H5Dget_type(d), H5Tclose, "type");
  DatasetInfo ds{name, {}, type_name(type)};
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  for (hsize_t v : dims) ds.shape.push_back(v);
  args->second->push_back(std::move(ds));
  return 0;
}

std::vector<double> read_doubles(hid_t file, const std::string& path) {
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return {};
  h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, path);
  h5::Handle space(H5Dget_space(d), H5Sclose, "dataspace");
  std::vector<double> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!out.empty())
    h5::check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), path);
  return out;
}

std::vector<std::string> read_strings(hid_t file, const std::string& path) {
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return {};
  h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, path);
  h5::Handle space(H5Dget_space(d), H5Sclose, "dataspace");
  h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(memory, H5T_VARIABLE);
  H5Tset_cset(memory, H5T_CSET_UTF8);
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), nullptr);
  if (!raw.empty()) h5::check(H5Dread(d, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), path);
  std::vector<std::string> out;
  for (char* p : raw) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

}  // namespace

std::string FileInfo::attribute(const std::string& name) const {
  for (const auto& [key, value] : attributes) {
    if (key == name) return value;
  }
  return "";
}

std::optional<std::uint64_t> FileInfo::count(const std::string& name) const {
  const std::string text = attribute(name);
  try {
    std::size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size() && v >= 0) return static_cast<std::uint64_t>(v);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::vector<std::string> FileInfo::lines(const std::string& name) const {
  std::vector<std::string> out;
  std::istringstream text(attribute(name));
  for (std::string line; std::getline(text, line);) out.push_back(line);
  return out;
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
    throw std::invalid_argument(path + ": format_version \"" + version +
                                "\" is missing or not MAJOR.MINOR (allowed: " + our_major + ".x)");
  }
  if (std::stoi(major) != std::stoi(our_major)) {
    throw std::invalid_argument(path + ": format_version " + version +
                                " is of another major format than Parley " + kVersion +
                                " reads (allowed: " + our_major + ".x)");
  }
}

FileInfo read_file_info(const std::string& path) {
  h5::quiet_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw std::invalid_argument(path + ": not an HDF5 file (or not readable)");
  }
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                  "cannot open " + path);
  FileInfo info;
  hsize_t index = 0;
  h5::check(
      H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_NATIVE, &index, collect_attribute, &info.attributes),
      "reading the attributes of " + path);
  const std::string filetype = info.attribute("filetype");
  if (filetype != "parley-runs" && filetype != "parley-sweep") {
    throw std::invalid_argument(path + ": not a Parley file (filetype \"" + filetype +
                                "\"; allowed: \"parley-runs\", \"parley-sweep\")");
  }
  check_format_version(path, info.attribute("format_version"));
  std::pair<hid_t, std::vector<DatasetInfo>*> args{file.get(), &info.datasets};
  h5::check(H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_dataset, &args, H5O_INFO_BASIC),
            "listing " + path);
  info.agents = read_strings(file, "runs/agent");
  info.issues = read_strings(file, "runs/issue");
  if (H5Lexists(file, "summary", H5P_DEFAULT) > 0) {
    info.has_summary = true;
    auto scalar = [&](const char* name) {
      const auto v = read_doubles(file, std::string("summary/") + name);
      return v.empty() ? 0.0 : v.front();
    };
    info.p_agreement = scalar("p_agreement");
    info.p_low = scalar("p_agreement_low");
    info.p_high = scalar("p_agreement_high");
    info.outcome_count = read_doubles(file, "summary/outcome_count");
    info.rounds = read_doubles(file, "summary/rounds");
    info.mean_utility = read_doubles(file, "summary/mean_utility");
    info.blocker_share = read_doubles(file, "summary/blocker_share");
    info.obstacle_share = read_doubles(file, "summary/obstacle_share");
    info.deal_mean = read_doubles(file, "summary/deal_mean");
    info.quantiles = read_doubles(file, "summary/quantile");
    const auto dq = read_doubles(file, "summary/deal_quantiles");
    for (std::size_t k = 0; k < info.issues.size() && !info.quantiles.empty(); ++k) {
      info.deal_quantiles.emplace_back(
          dq.begin() + static_cast<std::ptrdiff_t>(k * info.quantiles.size()),
          dq.begin() + static_cast<std::ptrdiff_t>((k + 1) * info.quantiles.size()));
    }
  }
  return info;
}

}  // namespace parley::io
