#include "parley/io/file_info.hpp"

#include "parley/engine/study/sobol.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/sobol_file.hpp"
#include "run_header_attributes.hpp"

namespace parley::io {
namespace {

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

// The summary's vectors and the coordinate names are small (one value per agent, issue,
// quantile or shock); a larger count is a damaged or foreign file, refused before allocating.
constexpr hssize_t kMostSummaryValues = 1 << 20;

// The number of values of dataset `name` (of the class `memory` reads), checked.
std::size_t summary_size(hid_t dataset, hid_t memory, const std::string& name) {
  h5::Handle space(H5Dget_space(dataset), H5Sclose, name + ": dataspace");
  h5::Handle type(H5Dget_type(dataset), H5Tclose, name + ": type");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0 || n > kMostSummaryValues) {
    throw InvalidFile(name + ": " + std::to_string(n) + " values (allowed: at most " +
                      std::to_string(kMostSummaryValues) + ")");
  }
  if (H5Tget_class(type) != H5Tget_class(memory)) {
    throw InvalidFile(name + ": stored as another type than the one Parley writes there");
  }
  return static_cast<std::size_t>(n);
}

std::vector<double> read_doubles(hid_t file, const std::string& path) {
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return {};
  h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, path);
  h5::Handle type(H5Dget_type(d), H5Tclose, path + ": type");
  if (H5Tget_class(type) == H5T_INTEGER) {
    // Counts are integers (files before that stored them as doubles: read below).
    std::vector<std::int64_t> whole(summary_size(d, H5T_NATIVE_INT64, path));
    if (!whole.empty())
      h5::read_verified(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, whole.data(), path);
    return {whole.begin(), whole.end()};
  }
  std::vector<double> out(summary_size(d, H5T_NATIVE_DOUBLE, path));
  if (!out.empty()) h5::read_verified(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, out.data(), path);
  return out;
}

std::vector<std::string> read_strings(hid_t file, const std::string& path,
                                      const std::string& format_version) {
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return {};
  h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, path);
  h5::Handle type(H5Dget_type(d), H5Tclose, path + ": type");
  std::vector<std::string> out;
  if (H5Tis_variable_str(type) > 0 && format_version == "1.0") {
    // Files of format 1.0 kept names as variable-length strings.
    h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    H5Tset_size(memory, H5T_VARIABLE);
    H5Tset_cset(memory, H5T_CSET_UTF8);
    std::vector<char*> raw(summary_size(d, memory, path), nullptr);
    if (!raw.empty()) h5::read_verified(d, memory, H5S_ALL, H5S_ALL, raw.data(), path);
    for (char* p : raw) {
      out.emplace_back(p ? p : "");
      H5free_memory(p);
    }
    return out;
  }
  // Fixed-length names, in a checksummed chunk.
  const std::size_t width = H5Tget_size(type);
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0 || width == 0 ||
      width > 4096) {
    throw InvalidFile(path + ": not names of fixed length up to 4096 bytes, as Parley writes them");
  }
  h5::require_checksum(d, path);
  const std::size_t n = summary_size(d, type, path);
  std::string raw(n * width, '\0');
  if (n > 0) h5::read_verified(d, type, H5S_ALL, H5S_ALL, raw.data(), path);
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(raw.substr(i * width, width).c_str());
  return out;
}

FileInfo read_info(const std::string& path) {
  FileInfo info;
  info.header = read_run_header(path);
  h5::Handle file = h5::open_read_only(path);
  std::pair<hid_t, std::vector<DatasetInfo>*> args{file.get(), &info.datasets};
  h5::check(H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_dataset, &args, H5O_INFO_BASIC),
            "listing " + path);
  info.agents = read_strings(file, "runs/agent", info.header.format_version);
  info.issues = read_strings(file, "runs/issue", info.header.format_version);
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
    // The labels along each scale: agents and issues from runs/, the others from summary/.
    for (std::size_t a = 0; a < engine::kAlongs; ++a) {
      const std::string scale = std::string("summary/") + engine::kAlongScale[a];
      if (a == static_cast<std::size_t>(engine::Along::agent)) {
        info.along[a] = info.agents;
      } else if (a == static_cast<std::size_t>(engine::Along::issue)) {
        info.along[a] = info.issues;
      } else if (a == static_cast<std::size_t>(engine::Along::stage)) {
        for (const double v : read_doubles(file, scale)) {
          char label[32];
          std::snprintf(label, sizeof label, "%g", v);
          info.along[a].push_back(label);
        }
      } else {
        info.along[a] = read_strings(file, scale, info.header.format_version);
      }
    }
    for (const engine::SummaryStatistic& st : engine::summary_statistics())
      info.statistics.push_back(read_doubles(file, std::string("summary/") + st.name));
    info.quantiles = read_doubles(file, "summary/quantile");
    const auto dq = read_doubles(file, "summary/deal_quantiles");
    // Every summary vector has one value per issue, agent or outcome (or is absent, in files
    // written before it): a file from elsewhere is checked before its values are used.
    auto sized = [&](const std::vector<double>& v, std::size_t n, const char* name) {
      if (!v.empty() && v.size() != n) {
        throw InvalidFile(path + ": summary/" + name + ": " + std::to_string(v.size()) +
                          " values (allowed: " + std::to_string(n) + ")");
      }
    };
    // Three outcomes in files written before the partial deal, four before the collapse and the
    // censored run (format 1.1), six before the refusal at home (format 1.3), seven before the
    // mediator's leaving (format 1.4), eight since.
    if (info.outcome_count.size() != 3 && info.outcome_count.size() != 4 &&
        info.outcome_count.size() != 6 && info.outcome_count.size() != 7)
      sized(info.outcome_count, protocol::kOutcomes, "outcome_count");
    sized(info.rounds, 3, "rounds");
    const auto& statistics = engine::summary_statistics();
    for (std::size_t j = 0; j < statistics.size(); ++j) {
      sized(info.statistics[j], info.along[static_cast<std::size_t>(statistics[j].along)].size(),
            statistics[j].name);
    }
    sized(dq, info.issues.size() * info.quantiles.size(), "deal_quantiles");
    for (std::size_t k = 0; k < info.issues.size() && !info.quantiles.empty() && !dq.empty(); ++k) {
      info.deal_quantiles.emplace_back(
          dq.begin() + static_cast<std::ptrdiff_t>(k * info.quantiles.size()),
          dq.begin() + static_cast<std::ptrdiff_t>((k + 1) * info.quantiles.size()));
    }
  }
  return info;
}

}  // namespace

std::string stored_filetype(const std::string& path) {
  return h5::reading(path, [&] {
    const h5::Handle file = h5::open_read_only(path);
    for (const auto& [k, v] : h5::attributes_as_text(file))
      if (k == "filetype") return v;
    return std::string();
  });
}

FileInfo read_file_info(const std::string& path) {
  return h5::reading(path, [&] { return read_info(path); });
}

// The stored design and outputs of a Sobol file: shapes, values, and the indices they give.
void check_sobol_design(hid_t file, const Attributes& a, SobolInfo& out) {
  const std::string& path = out.path;
  out.design = a.text(key::design);
  if (out.design != engine::kSobolSequence && out.design != engine::kSobolRandom) {
    a.fail("design", "is \"" + out.design + "\" (allowed: sobol-sequence, random)");
  }
  const std::size_t n = out.samples, k = out.factors.size();
  // The outputs are read whole: (k + 2) N bytes, bounded before anything is allocated.
  constexpr std::uint64_t kMostOutputs = std::uint64_t{1} << 28;
  if (n == 0 || n > kMostOutputs / (k + 2)) {
    a.fail("samples", std::to_string(n) + " with " + std::to_string(k) +
                          " factors (allowed: 1 to " + std::to_string(kMostOutputs / (k + 2)) +
                          ")");
  }
  auto dataset = [&](const std::string& name, const std::vector<hsize_t>& dims) {
    return h5::open_exact(file, "sobol/" + name, dims, path + ": sobol/" + name,
                          "as the attributes samples and the factors say");
  };
  // y: A, B, then AB_i, as the engine keeps them.
  std::vector<std::int8_t> y((k + 2) * n);
  h5::read_rows(dataset("y_a", {n}), H5T_NATIVE_INT8, 0, n, 0, y.data(), path + ": sobol/y_a");
  h5::read_rows(dataset("y_b", {n}), H5T_NATIVE_INT8, 0, n, 0, y.data() + n, path + ": sobol/y_b");
  h5::read_rows(dataset("y_ab", {k, n}), H5T_NATIVE_INT8, 0, k, n, y.data() + 2 * n,
                path + ": sobol/y_ab");
  for (const std::int8_t v : y) {
    if (v != 0 && v != 1) throw InvalidFile(path + ": sobol/y_* holds a value other than 0 or 1");
  }
  // The design, a block of rows at a time: each column all finite (a scalar factor) or all NaN
  // (a Dirichlet weight group), the same in A and B.
  std::vector<int> column_kind(k, -1);  // 1 finite, 0 NaN
  constexpr std::size_t kBlock = 4096;
  std::vector<double> block;
  for (const char* name : {"design_a", "design_b"}) {
    const h5::Handle d = dataset(name, {n, k});
    for (std::size_t first = 0; first < n; first += kBlock) {
      const std::size_t rows = std::min(kBlock, n - first);
      block.resize(rows * k);
      h5::read_rows(d, H5T_NATIVE_DOUBLE, first, rows, k, block.data(), path + ": sobol/" + name);
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t f = 0; f < k; ++f) {
          const double v = block[r * k + f];
          const int kind = std::isfinite(v) ? 1 : (std::isnan(v) ? 0 : 2);
          if (kind == 2 || (column_kind[f] >= 0 && column_kind[f] != kind)) {
            throw InvalidFile(path + ": sobol/" + name + ", factor " + out.factors[f] +
                              ": values neither all finite nor all NaN (a weight group)");
          }
          column_kind[f] = kind;
        }
      }
    }
  }
  // The indices the outputs give are the stored ones (the bootstrap intervals, drawn, are not
  // recomputed).
  std::vector<double> ya(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> yb(y.begin() + static_cast<std::ptrdiff_t>(n),
                         y.begin() + static_cast<std::ptrdiff_t>(2 * n));
  std::vector<std::vector<double>> yab(k);
  for (std::size_t i = 0; i < k; ++i) {
    const auto from = y.begin() + static_cast<std::ptrdiff_t>((2 + i) * n);
    yab[i].assign(from, from + static_cast<std::ptrdiff_t>(n));
  }
  const auto recomputed = engine::sobol_indices(ya, yb, yab, 0, 0);
  auto same = [](double x, double z) {
    return (std::isnan(x) && std::isnan(z)) ||
           std::abs(x - z) <= 1e-12 * std::max(1.0, std::abs(z));
  };
  for (std::size_t f = 0; f < k; ++f) {
    if (!same(recomputed[f].first, out.indices[f][0]) ||
        !same(recomputed[f].total, out.indices[f][3])) {
      throw InvalidFile(path + ": sobol/first_order or sobol/total of " + out.factors[f] +
                        " is not what sobol/y_a, y_b and y_ab give");
    }
  }
}

SobolInfo read_sobol_info(const std::string& path) {
  return h5::reading(path, [&] {
    const h5::Handle file = h5::open_read_only(path);
    const Attributes a = sealed_attributes(file, path, kSobolFiletype, "Sobol");
    SobolInfo out;
    out.path = path;
    out.command_line = read_provenance(a, out, false);
    out.seed = a.count(key::seed, ~0ULL >> 1);
    out.samples = a.count(key::samples);
    h5::Handle g(H5Gopen2(file, "sobol", H5P_DEFAULT), H5Gclose, path + ": group sobol");
    out.p_agreement = Attributes(path + ": group sobol", h5::attributes_as_text(g))
                          .number("p_agreement", 0.0, 1.0);
    out.factors = read_strings(file, "sobol/factor", out.format_version);
    const char* names[6] = {"first_order", "first_order_low", "first_order_high",
                            "total",       "total_low",       "total_high"};
    out.indices.resize(out.factors.size());
    for (std::size_t c = 0; c < 6; ++c) {
      const std::string name = std::string("sobol/") + names[c];
      const auto v = read_doubles(file, name);
      if (v.size() != out.factors.size())
        throw InvalidFile(path + ": " + name + " has " + std::to_string(v.size()) +
                          " values (allowed: one per factor, " +
                          std::to_string(out.factors.size()) + ")");
      for (std::size_t f = 0; f < v.size(); ++f) {
        if (!std::isfinite(v[f]))
          throw InvalidFile(path + ": " + name + " holds a value that is not finite");
        out.indices[f][c] = v[f];
      }
    }
    for (const auto& x : out.indices)
      if (!(x[1] <= x[2] && x[4] <= x[5]))
        throw InvalidFile(path + ": a 95% interval of sobol/ has its ends the wrong way round");
    if (a.has(key::design)) check_sobol_design(file, a, out);
    std::pair<hid_t, std::vector<DatasetInfo>*> args{file.get(), &out.datasets};
    h5::check(
        H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_dataset, &args, H5O_INFO_BASIC),
        "listing " + path);
    return out;
  });
}

AnyFile read_any_file(const std::string& path) {
  const std::string type = stored_filetype(path);
  if (type == kPosteriorFiletype) return read_posterior_file(path);
  if (type == kSobolFiletype) return read_sobol_info(path);
  return read_file_info(path);
}

}  // namespace parley::io
