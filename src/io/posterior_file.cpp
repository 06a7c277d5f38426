#include "parley/io/posterior_file.hpp"

#include "hdf5.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/version.hpp"
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
    const std::size_t g_count = c.generations.size(), n = run.particles, p = c.parameters.size();
    h5::Handle file = h5::create_file(target.temporary());
    h5::attr_string(file, "filetype", kPosteriorFiletype);
    h5::attr_string(file, "format_version", kFormatVersion);
    h5::attr_string(file, "parley_version", kVersion);
    h5::attr_string(file, "created_utc", h5::utc_now());
    h5::attr_string(file, "command_line", run.command_line);
    h5::attr_string(file, "scenario_name", s.name);
    h5::attr_string(file, "scenario_toml", s.toml_text);
    h5::attr_string(file, "observations_toml", observed.text);
    h5::attr_string(file, "protocol", scenario::protocol_name(s.protocol.kind));
    h5::attr_int64(file, "seed", static_cast<std::int64_t>(run.seed));
    h5::attr_int64(file, "particles", static_cast<std::int64_t>(n));
    h5::attr_int64(file, "generations", static_cast<std::int64_t>(g_count));
    h5::attr_string(file, "stopped", c.stopped);
    h5::attr_int64(file, "complete", run.complete ? 1 : 0);
    seal_texts(file);

    h5::Handle g = h5::create_group(file, "posterior");
    h5::Handle generation = counting_scale(g, "generation", g_count, "ABC-SMC generation");
    h5::Handle particle = counting_scale(g, "particle", n, "particle of a generation");
    auto per_generation = [&](const std::string& name, const std::vector<double>& values,
                              const std::string& long_name, const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {g_count}, {});
      if (g_count > 0) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, generation, 0);
      h5::attr_string(d, "long_name", long_name);
      h5::attr_string(d, "units", units);
    };
    std::vector<double> tolerance, acceptance, simulations;
    for (const auto& gen : c.generations) {
      tolerance.push_back(gen.tolerance);
      acceptance.push_back(gen.acceptance());
      simulations.push_back(static_cast<double>(gen.simulations));
    }
    per_generation("tolerance", tolerance,
                   "the distance a simulation had to come within (inf: the prior, generation 0)",
                   "1");
    per_generation("acceptance_rate", acceptance, "particles over simulations made", "1");
    per_generation("simulations", simulations, "simulations made in the generation", "");
    auto matrix = [&](const std::string& name, const std::vector<double>& values,
                      const std::string& long_name, const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {g_count, n}, {});
      if (g_count > 0 && n > 0) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, generation, 0);
      h5::attach_scale(d, particle, 1);
      h5::attr_string(d, "long_name", long_name);
      h5::attr_string(d, "units", units);
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
    h5::Handle src = h5::write_strings(o, "source", sources);
    h5::attach_scale(src, label, 0);
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

}  // namespace parley::io
