#include "parley/io/partial_file.hpp"

#include <stdexcept>
#include <variant>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"

namespace parley::io {

PartialRun read_partial(const std::string& path) {
  PartialRun p;
  p.header = read_run_header(path);
  const StoredHeader& h = p.header;
  if (h.filetype != kRunsFiletype) {
    throw std::invalid_argument(path + ": only a plain run can be resumed (filetype \"" +
                                h.filetype + "\"; allowed: \"" + kRunsFiletype + "\")");
  }
  if (h.complete) {
    throw std::invalid_argument(path + ": the run is complete; there is nothing to resume");
  }
  const std::string suffix = ".partial";
  p.target = path.size() > suffix.size() && path.ends_with(suffix)
                 ? path.substr(0, path.size() - suffix.size())
                 : path + ".resumed.h5";

  // The finished runs must be exactly the first runs_done (the engine delivers runs in order).
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                  "cannot open " + path);
  h5::Handle done(H5Dopen2(file, "runs/done", H5P_DEFAULT), H5Dclose, path + ": runs/done");
  {
    h5::Handle space(H5Dget_space(done), H5Sclose, path + ": runs/done");
    hsize_t extent = 0;
    if (H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &extent, nullptr) != 1 || extent != h.rows) {
      throw IoError(path + ": runs/done is not one flag for each of the " + std::to_string(h.rows) +
                    " runs");
    }
  }
  std::vector<std::int8_t> flags(h.rows);
  if (h.rows > 0) h5::read_rows(done, H5T_NATIVE_INT8, 0, h.rows, flags.data());
  for (std::uint64_t i = 0; i < h.rows; ++i) {
    if ((flags[i] == 1) != (i < h.runs_done)) {
      throw IoError(path + ": the done flags are not the first " + std::to_string(h.runs_done) +
                    " runs (run " + std::to_string(i) + ")");
    }
  }
  return p;
}

struct RunsReader::Impl {
  h5::Handle file;
  std::vector<std::string> parameters;
  std::vector<double> scratch;

  h5::Handle dataset(const std::string& name) const {
    return h5::Handle(H5Dopen2(file, ("runs/" + name).c_str(), H5P_DEFAULT), H5Dclose,
                      "runs/" + name);
  }
  std::uint64_t row = 0;  // file row of the block's first run
  template <typename T>
  void read(const std::string& name, const engine::RunBlock& b, std::vector<T>& out) {
    h5::read_rows(dataset(name), h5::native_type<T>(), row, b.count, out.data());
  }
};

RunsReader::RunsReader(const std::string& path, std::vector<std::string> parameters)
    : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  impl_->file = h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                           "cannot open " + path);
  impl_->parameters = std::move(parameters);
}

RunsReader::~RunsReader() = default;

void RunsReader::read(engine::RunBlock& b, std::uint64_t first_row) {
  Impl& m = *impl_;
  m.row = first_row;
  for (const engine::RunColumn& c : engine::run_columns()) {
    if (c.width(b) == 0) continue;  // across no shocks: no dataset
    std::visit([&](auto member) { m.read(c.name, b, b.*member); }, c.member);
  }
  m.scratch.resize(b.count);
  for (std::size_t j = 0; j < m.parameters.size(); ++j) {
    m.read(m.parameters[j], b, m.scratch);
    for (std::size_t r = 0; r < b.count; ++r) b.parameters[r * b.sampled + j] = m.scratch[r];
  }
}

}  // namespace parley::io
