#include "parley/io/sobol_file.hpp"

#include <cmath>
#include <tuple>

#include "hdf5.hpp"
#include "parley/io/runs_file.hpp"
#include "run_header_attributes.hpp"

namespace parley::io {

void write_sobol_file(const std::string& path, const scenario::Scenario& s,
                      const engine::SobolResult& result, const std::string& command_line,
                      std::uint64_t seed, Overwrite overwrite) {
  h5::quiet_errors();
  AtomicPath target(path, overwrite);
  {
    h5::Handle file = h5::create_file(target.temporary());
    write_provenance(file, kSobolFiletype, s, command_line);
    h5::attr_int64(file, key::seed, static_cast<std::int64_t>(seed));
    h5::attr_int64(file, key::samples, static_cast<std::int64_t>(result.samples));
    h5::attr_int64(file, key::evaluations,
                   static_cast<std::int64_t>(result.samples * (result.factors.size() + 2)));
    h5::attr_int64(file, key::complete, 1);
    h5::attr_string(file, key::design, result.design);
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
    // The design and the outputs (engine/sobol.hpp), for re-analysis elsewhere.
    const std::size_t n = result.samples, k = result.factors.size();
    std::vector<std::int64_t> rows(n);
    for (std::size_t j = 0; j < n; ++j) rows[j] = static_cast<std::int64_t>(j);
    h5::Handle sample = h5::create_dataset(g, "sample", H5T_STD_I64LE, {n}, {});
    if (n > 0) h5::write_all(sample, H5T_NATIVE_INT64, rows.data());
    h5::make_scale(sample, "sample");
    h5::attr_string(sample, "long_name", "row j of the matrices A and B");
    const double nan = std::nan("");
    for (const auto& [name, values, long_name] :
         {std::tuple{"design_a", &result.a, "matrix A of the design: factor values of row j"},
          std::tuple{"design_b", &result.b, "matrix B of the design: factor values of row j"}}) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {n, k}, {});
      if (n * k > 0) h5::write_all(d, H5T_NATIVE_DOUBLE, values->data());
      h5::attach_scale(d, sample, 0);
      h5::attach_scale(d, factor, 1);
      h5::describe(d,
                   std::string(long_name) +
                       ", natural units (NaN: a Dirichlet weight group, drawn, not designed)",
                   "");
      h5::attr_of_type(d, "_FillValue", H5T_NATIVE_DOUBLE, &nan);
    }
    auto outputs = [&](const std::string& name, std::size_t first, std::size_t count,
                       const std::string& long_name) {
      const bool per_factor = first == 2;  // y_ab: [factor, sample]
      std::vector<hsize_t> dims = {n};
      if (per_factor) dims.insert(dims.begin(), count);
      h5::Handle d = h5::create_dataset(g, name, H5T_STD_I8LE, dims, {});
      if (n * count > 0) h5::write_all(d, H5T_NATIVE_INT8, result.y.data() + first * n);
      if (per_factor) {
        h5::attach_scale(d, factor, 0);
        h5::attach_scale(d, sample, 1);
      } else {
        h5::attach_scale(d, sample, 0);
      }
      h5::describe(d, long_name, "");
      const std::vector<std::int8_t> flags = {0, 1};
      h5::attr_int8_array(d, "flag_values", flags);
      h5::attr_string(d, "flag_meanings", "no_agreement agreement");
    };
    outputs("y_a", 0, 1, "agreement (1) or not (0) at row j of A");
    outputs("y_b", 1, 1, "agreement (1) or not (0) at row j of B");
    outputs("y_ab", 2, k, "agreement (1) or not (0) at row j of AB_i: A with factor i from B");
    g.close();
    file.close();
  }
  target.commit();
}

}  // namespace parley::io
