#include "parley/io/posterior_file.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"
#include "run_header_attributes.hpp"

namespace parley::io {
namespace {

// A 1-D integer coordinate 0 … n − 1.
h5::Handle counting_scale(hid_t g, const std::string& name, std::size_t n,
                          const std::string& long_name) {
  std::vector<std::int64_t> values(n);
  for (std::size_t j = 0; j < n; ++j) values[j] = static_cast<std::int64_t>(j);
  h5::Handle d = h5::create_dataset(g, name, H5T_STD_I64LE, {n}, {});
  if (n > 0) h5::write_all(d, H5T_NATIVE_INT64, values.data());
  h5::make_scale(d, name);
  h5::attr_string(d, "long_name", long_name);
  return d;
}

}  // namespace

void write_posterior_file(const std::string& path, const scenario::Scenario& s,
                          const scenario::Observations& observed, const engine::Calibration& c,
                          const PosteriorRun& run, Overwrite overwrite) {
  h5::quiet_errors();
  AtomicPath target(path, overwrite);
  {
    const engine::CalibrateOptions& opt = run.options;
    const std::size_t g_count = c.generations.size(), n = opt.particles, p = c.parameters.size();
    h5::Handle file = h5::create_file(target.temporary());
    write_provenance(file, kPosteriorFiletype, s, run.command_line);
    h5::attr_string(file, key::observations_toml, observed.text);
    h5::attr_int64(file, key::seed, static_cast<std::int64_t>(opt.seed));
    h5::attr_int64(file, key::particles, static_cast<std::int64_t>(n));
    h5::attr_int64(file, key::generations, static_cast<std::int64_t>(g_count));
    h5::attr_string(file, key::stopped, c.stopped);
    std::string keys;
    for (const auto& k : c.parameters) keys += (keys.empty() ? "" : "\n") + k;
    h5::attr_string(file, key::parameters, keys);
    // The settings, so that --resume goes on as the interrupted calibration would have.
    h5::attr_double(file, key::quantile, opt.quantile);
    h5::attr_double(file, key::target, opt.target);
    h5::attr_double(file, key::min_acceptance, opt.min_acceptance);
    h5::attr_int64(file, key::budget, static_cast<std::int64_t>(opt.budget));
    h5::attr_int64(file, key::max_generations, opt.max_generations);
    write_conventions(file, s, "the calibration of its sampled parameters (ABC-SMC)",
                      run.command_line);
    h5::attr_int64(file, key::complete, run.complete ? 1 : 0);
    seal_texts(file);

    h5::Handle g = h5::create_group(file, "posterior");
    h5::Handle generation = counting_scale(g, "generation", g_count, "ABC-SMC generation");
    h5::Handle particle = counting_scale(g, "particle", n, "particle of a generation");
    auto per_generation = [&](const std::string& name, const std::vector<double>& values,
                              const std::string& long_name, const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {g_count}, {});
      if (g_count > 0) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, generation, 0);
      h5::describe(d, long_name, units);
    };
    std::vector<double> tolerance, acceptance;
    std::vector<std::int64_t> simulations;  // a count: an integer
    for (const auto& gen : c.generations) {
      tolerance.push_back(gen.tolerance);
      acceptance.push_back(gen.acceptance_rate);
      simulations.push_back(static_cast<std::int64_t>(gen.simulations));
    }
    per_generation("tolerance", tolerance,
                   "the distance a simulation had to come within (inf: the prior, generation 0)",
                   "1");
    per_generation("acceptance_rate", acceptance,
                   "Metropolis-Hastings steps accepted over steps tried (generation 0: 1)", "1");
    {
      h5::Handle d = h5::create_dataset(g, "simulations", H5T_STD_I64LE, {g_count}, {});
      if (g_count > 0) h5::write_all(d, H5T_NATIVE_INT64, simulations.data());
      h5::attach_scale(d, generation, 0);
      h5::describe(d, "simulations made in the generation (a step refused on the prior needs none)",
                   "");
    }
    auto matrix = [&](const std::string& name, const std::vector<double>& values,
                      const std::string& long_name, const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {g_count, n}, {});
      if (g_count > 0 && n > 0) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, generation, 0);
      h5::attach_scale(d, particle, 1);
      h5::describe(d, long_name, units);
    };
    std::vector<double> weights, distances;
    for (const auto& gen : c.generations) {
      weights.insert(weights.end(), gen.weights.begin(), gen.weights.end());
      distances.insert(distances.end(), gen.distances.begin(), gen.distances.end());
    }
    matrix("weight", weights, "importance weight of the particle (a generation's sum to 1)", "1");
    matrix("distance", distances, "distance of the particle's accepted simulation", "1");
    for (std::size_t f = 0; f < p; ++f) {
      std::vector<double> values;
      for (const auto& gen : c.generations)
        for (std::size_t i = 0; i < n; ++i) values.push_back(gen.particles[i * p + f]);
      matrix(c.parameters[f], values, "the parameter's value in the particle, natural units", "");
    }
    g.close();

    h5::Handle o = h5::create_group(file, "observations");
    std::vector<std::string> labels, sources;
    std::vector<double> values;
    for (const auto& item : observed.items) {
      labels.push_back(item.label);
      sources.push_back(item.source);
      values.push_back(item.value);
    }
    h5::Handle label = h5::write_strings(o, "observation", labels);
    h5::make_scale(label, "observation");
    h5::attr_string(label, "long_name", "observation (its label)");
    h5::Handle src = h5::write_strings(o, "source", sources);
    h5::attach_scale(src, label, 0);
    h5::attr_string(src, "long_name", "where the observation comes from");
    h5::Handle d = h5::create_dataset(o, "value", H5T_IEEE_F64LE, {values.size()}, {});
    if (!values.empty()) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
    h5::attach_scale(d, label, 0);
    h5::attr_string(d, "long_name",
                    "the value observed (discrete statistics: 1 yes, 0 no, or an index)");
    o.close();
    file.close();
  }
  target.commit();
}

namespace {

// A parameter's key as Parley writes it: dotted words (no path separator, nothing empty).
bool plain_key(const std::string& k) {
  if (k.empty() || k.front() == '.' || k.back() == '.' || k.find("..") != std::string::npos)
    return false;
  for (const char ch : k) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

// Dataset posterior/<name> of exactly `dims`, read whole.
std::vector<double> read_exact(hid_t group, const std::string& name,
                               const std::vector<hsize_t>& dims, const std::string& path,
                               bool count = false) {
  const std::string what = path + ": posterior/" + name;
  const h5::Handle d =
      h5::open_exact(group, name, dims, what, "as the attributes generations and particles say");
  std::size_t n = 1;
  for (const hsize_t v : dims) n *= static_cast<std::size_t>(v);
  std::vector<double> out(n);
  h5::Handle type(H5Dget_type(d), H5Tclose, what + ": type");
  if (count && H5Tget_class(type) == H5T_INTEGER) {
    // A count, stored as an integer (files before that stored it as a double: read below).
    std::vector<std::int64_t> whole(n);
    if (n > 0)
      h5::read_rows(d, H5T_NATIVE_INT64, 0, dims[0], dims.size() > 1 ? dims[1] : 0, whole.data(),
                    what);
    for (std::size_t j = 0; j < n; ++j) out[j] = static_cast<double>(whole[j]);
    return out;
  }
  if (n > 0)
    h5::read_rows(d, H5T_NATIVE_DOUBLE, 0, dims[0], dims.size() > 1 ? dims[1] : 0, out.data(),
                  what);
  return out;
}

// Generations and particles: at most so many values are read from one file (a larger count is
// a damaged or foreign file, refused before allocating).
constexpr std::uint64_t kMostValues = std::uint64_t{1} << 28;

}  // namespace

StoredPosterior read_posterior_file(const std::string& path) {
  return h5::reading(path, [&] {
    const h5::Handle file = h5::open_read_only(path);
    const Attributes a = sealed_attributes(file, path, kPosteriorFiletype, "posterior");
    StoredPosterior out;
    out.path = path;
    out.run.command_line = read_provenance(a, out, true);
    out.observations_toml = a.required(key::observations_toml);
    engine::CalibrateOptions& opt = out.run.options;
    opt.seed = a.count(key::seed, ~0ULL >> 1);
    opt.particles = a.count(key::particles, 1000000, 1);
    const std::uint64_t g_count = a.count(key::generations, 1000, 1);
    opt.quantile = a.number(key::quantile, 0.0, 1.0);
    opt.target = a.number(key::target, 0.0, 1e300);
    opt.min_acceptance = a.number(key::min_acceptance, 0.0, 1.0);
    opt.budget = a.count(key::budget, ~0ULL >> 1, 1);
    opt.max_generations = static_cast<int>(a.count(key::max_generations, 1000, 1));
    out.run.complete = a.count(key::complete, 1) == 1;
    engine::Calibration& c = out.calibration;
    c.stopped = a.required(key::stopped);
    {
      std::istringstream in(a.required(key::parameters));
      for (std::string k; std::getline(in, k);) {
        if (!plain_key(k)) a.fail("parameters", "names \"" + k + "\" (allowed: dotted keys)");
        for (const auto& seen : c.parameters)
          if (seen == k) a.fail("parameters", "names " + k + " twice");
        c.parameters.push_back(k);
      }
      if (c.parameters.empty()) a.fail("parameters", "names no parameter");
    }
    const std::uint64_t n = opt.particles, p = c.parameters.size();
    if (g_count * n * (p + 2) > kMostValues) {
      a.fail("particles", "times generations is " + std::to_string(g_count * n) + " particles of " +
                              std::to_string(p) + " parameters (allowed: at most " +
                              std::to_string(kMostValues) + " values in all)");
    }
    h5::Handle g(H5Gopen2(file, "posterior", H5P_DEFAULT), H5Gclose, path + ": group posterior");
    const std::vector<double> tolerance = read_exact(g, "tolerance", {g_count}, path);
    const std::vector<double> acceptance = read_exact(g, "acceptance_rate", {g_count}, path);
    const std::vector<double> simulations = read_exact(g, "simulations", {g_count}, path, true);
    const std::vector<double> weight = read_exact(g, "weight", {g_count, n}, path);
    const std::vector<double> distance = read_exact(g, "distance", {g_count, n}, path);
    std::vector<std::vector<double>> values;
    for (const auto& k : c.parameters) values.push_back(read_exact(g, k, {g_count, n}, path));

    auto bad = [&](const std::string& where, std::uint64_t gi, const std::string& problem) {
      throw InvalidFile(path + ": posterior/" + where + " of generation " + std::to_string(gi) +
                        " " + problem);
    };
    std::uint64_t total = 0;
    for (std::uint64_t gi = 0; gi < g_count; ++gi) {
      engine::Generation gen;
      gen.index = static_cast<int>(gi);
      gen.tolerance = tolerance[gi];
      if (gi == 0 && !(std::isinf(gen.tolerance) && gen.tolerance > 0))
        bad("tolerance", gi, "is not inf (generation 0 is the prior)");
      if (gi > 0 && !(std::isfinite(gen.tolerance) && gen.tolerance >= 0.0 &&
                      gen.tolerance < tolerance[gi - 1]))
        bad("tolerance", gi, "is not a finite distance >= 0 below the last generation's");
      const double sims = simulations[gi];
      const double least = gi == 0 ? static_cast<double>(n) : 0.0, most = gi == 0 ? least : 9e15;
      if (!(sims >= least && sims <= most && sims == std::floor(sims)))
        bad("simulations", gi,
            gi == 0 ? "is not the particles (one simulation each)" : "is not a whole number >= 0");
      gen.simulations = static_cast<std::uint64_t>(sims);
      total += gen.simulations;
      double sum = 0.0;
      for (std::uint64_t i = 0; i < n; ++i) {
        const double w = weight[gi * n + i], d = distance[gi * n + i];
        if (!(w >= 0.0 && w <= 1.0)) bad("weight", gi, "holds a value outside [0, 1]");
        if (!(d >= 0.0 && d <= gen.tolerance))
          bad("distance", gi, "holds a value that is not from 0 to the generation's tolerance");
        sum += w;
        gen.weights.push_back(w);
        gen.distances.push_back(d);
        for (std::size_t f = 0; f < p; ++f) {
          const double v = values[f][gi * n + i];
          if (!std::isfinite(v)) bad(c.parameters[f], gi, "holds a value that is not finite");
          gen.particles.push_back(v);
        }
      }
      if (!(std::abs(sum - 1.0) < 1e-9)) bad("weight", gi, "does not sum to 1");
      gen.acceptance_rate = acceptance[gi];
      if (!(gen.acceptance_rate >= 0.0 && gen.acceptance_rate <= 1.0))
        bad("acceptance_rate", gi, "is not from 0 to 1");
      c.generations.push_back(std::move(gen));
    }
    if (total > opt.budget) a.fail("budget", "is below the simulations the file records");
    return out;
  });
}

engine::Population StoredPosterior::population() const {
  const engine::Generation& last = calibration.generations.back();
  return {calibration.parameters, last.particles, last.weights};
}

std::string StoredPosterior::describe() const {
  const engine::Generation& last = calibration.generations.back();
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", last.tolerance);
  return path + ": generation " + std::to_string(last.index) + " of " +
         std::to_string(calibration.generations.size()) + ", tolerance " + buffer +
         (run.complete ? "" : " (an interrupted calibration)");
}

}  // namespace parley::io
