#include "parley/io/partial_file.hpp"

#include <stdexcept>
#include <variant>

#include "hdf5.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"

namespace parley::io {

namespace {

std::uint64_t count_of(const FileInfo& info, const std::string& name, const std::string& path) {
  if (const auto v = info.count(name)) return *v;
  throw IoError(path + ": attribute " + name + " is missing or invalid (\"" + info.attribute(name) +
                "\")");
}

}  // namespace

PartialRun read_partial(const std::string& path) {
  FileInfo info;
  try {
    info = read_file_info(path);
  } catch (const IoError& e) {
    throw std::invalid_argument(e.what());
  }
  if (info.attribute("filetype") != kRunsFiletype) {
    throw std::invalid_argument(path + ": only a plain run can be resumed (filetype \"" +
                                info.attribute("filetype") + "\"; allowed: \"" + kRunsFiletype +
                                "\")");
  }
  if (info.attribute("complete") != "0") {
    throw std::invalid_argument(path + ": the run is complete; there is nothing to resume");
  }
  PartialRun p;
  p.path = path;
  const std::string suffix = ".partial";
  p.target = path.size() > suffix.size() && path.ends_with(suffix)
                 ? path.substr(0, path.size() - suffix.size())
                 : path + ".resumed.h5";
  p.scenario_toml = info.attribute("scenario_toml");
  p.command_line = info.attribute("command_line");
  p.overrides = info.lines("overrides");
  p.seed = count_of(info, "seed", path);
  p.runs = count_of(info, "runs", path);
  p.done = count_of(info, "runs_done", path);
  p.trace_runs = count_of(info, "trace_runs", path);
  p.compress = static_cast<int>(count_of(info, "compress", path));
  if (!info.attribute("runs_total").empty()) {
    p.first = count_of(info, "shard_first", path);
    p.runs_total = count_of(info, "runs_total", path);
    p.shard = info.attribute("shard");
  }
  if (p.done > p.runs) throw IoError(path + ": runs_done exceeds runs");

  // The finished runs must be exactly the first `done` (the engine delivers runs in order).
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                  "cannot open " + path);
  h5::Handle done(H5Dopen2(file, "runs/done", H5P_DEFAULT), H5Dclose, path + ": runs/done");
  std::vector<std::int8_t> flags(p.runs);
  if (p.runs > 0) h5::read_rows(done, H5T_NATIVE_INT8, 0, p.runs, flags.data());
  for (std::uint64_t i = 0; i < p.runs; ++i) {
    if ((flags[i] == 1) != (i < p.done)) {
      throw IoError(path + ": the done flags are not the first " + std::to_string(p.done) +
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
  for (const engine::RunColumn& c : engine::run_columns())
    std::visit([&](auto member) { m.read(c.name, b, b.*member); }, c.member);
  m.scratch.resize(b.count);
  for (std::size_t j = 0; j < m.parameters.size(); ++j) {
    m.read(m.parameters[j], b, m.scratch);
    for (std::size_t r = 0; r < b.count; ++r) b.parameters[r * b.sampled + j] = m.scratch[r];
  }
}

}  // namespace parley::io
