#include "parley/io/sobol_file.hpp"

#include "hdf5.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/version.hpp"
#include "run_header_attributes.hpp"

namespace parley::io {

void write_sobol_file(const std::string& path, const scenario::Scenario& s,
                      const engine::SobolResult& result, const std::string& command_line,
                      std::uint64_t seed, Overwrite overwrite) {
  h5::quiet_errors();
  AtomicPath target(path, overwrite);
  {
    h5::Handle file = h5::create_file(target.temporary());
    h5::attr_string(file, "filetype", kSobolFiletype);
    h5::attr_string(file, "format_version", kFormatVersion);
    h5::attr_string(file, "parley_version", kVersion);
    h5::attr_string(file, "created_utc", h5::utc_now());
    h5::attr_string(file, "command_line", command_line);
    h5::attr_string(file, "scenario_name", s.name);
    h5::attr_string(file, "scenario_toml", s.toml_text);
    h5::attr_string(file, "protocol", scenario::protocol_name(s.protocol.kind));
    h5::attr_int64(file, "seed", static_cast<std::int64_t>(seed));
    h5::attr_int64(file, "samples", static_cast<std::int64_t>(result.samples));
    h5::attr_int64(file, "evaluations",
                   static_cast<std::int64_t>(result.samples * (result.factors.size() + 2)));
    h5::attr_int64(file, "complete", 1);
    write_conventions(file, s, "Sobol indices of P(agreement)", command_line);
    seal_texts(file);

    h5::Handle g = h5::create_group(file, "sobol");
    h5::attr_double(g, "p_agreement", result.p_agreement);
    h5::Handle factor = h5::write_strings(g, "factor", result.factors);
    h5::make_scale(factor, "factor");
    h5::attr_string(factor, "long_name", "sampled parameter (its scenario key)");
    auto column = [&](const std::string& name, double engine::SobolIndex::*member,
                      const std::string& long_name) {
      std::vector<double> values;
      for (const auto& index : result.agreement) values.push_back(index.*member);
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {values.size()}, {});
      if (!values.empty()) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, factor, 0);
      h5::describe(d, long_name, "1");
    };
    column("first_order", &engine::SobolIndex::first, "first-order Sobol index of P(agreement)");
    column("first_order_low", &engine::SobolIndex::first_low, "95% bootstrap interval, lower end");
    column("first_order_high", &engine::SobolIndex::first_high,
           "95% bootstrap interval, upper end");
    column("total", &engine::SobolIndex::total, "total Sobol index of P(agreement)");
    column("total_low", &engine::SobolIndex::total_low, "95% bootstrap interval, lower end");
    column("total_high", &engine::SobolIndex::total_high, "95% bootstrap interval, upper end");
    g.close();
    file.close();
  }
  target.commit();
}

}  // namespace parley::io
