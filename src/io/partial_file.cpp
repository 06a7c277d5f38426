#include "parley/io/partial_file.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/protocol/run_result.hpp"

namespace parley::io {
namespace {
PartialRun read_partial_file(const std::string& path) {
  PartialRun p;
  p.header = read_run_header(path);
  const StoredHeader& h = p.header;
  if (h.filetype != kRunsFiletype) {
    throw InvalidFile(path + ": only a plain run can be resumed (filetype \"" + h.filetype +
                      "\"; allowed: \"" + kRunsFiletype + "\")");
  }
  if (h.complete) {
    throw InvalidFile(path + ": the run is complete; there is nothing to resume");
  }
  const std::string suffix = ".partial";
  p.target = path.size() > suffix.size() && path.ends_with(suffix)
                 ? path.substr(0, path.size() - suffix.size())
                 : path + ".resumed.h5";

  // The finished runs must be exactly the first runs_done (the engine delivers runs in order).
  h5::Handle file = h5::open_read_only(path);
  h5::Handle done(H5Dopen2(file, "runs/done", H5P_DEFAULT), H5Dclose, path + ": runs/done");
  {
    h5::Handle space(H5Dget_space(done), H5Sclose, path + ": runs/done");
    hsize_t extent = 0;
    if (H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &extent, nullptr) != 1 || extent != h.rows) {
      throw InvalidFile(path + ": runs/done is not one flag for each of the " +
                        std::to_string(h.rows) + " runs");
    }
  }
  // The finished runs' flags, and the next one, a block at a time: neither memory nor time grows
  // with the runs still to do (a run may have up to 2^62). Later flags are never read: those
  // runs are computed again.
  constexpr std::uint64_t kBlock = 1 << 20;
  const std::uint64_t checked = std::min(h.rows, h.runs_done + 1);
  std::vector<std::int8_t> flags(static_cast<std::size_t>(std::min(checked, kBlock)));
  for (std::uint64_t first = 0; first < checked; first += kBlock) {
    const std::uint64_t n = std::min(kBlock, checked - first);
    h5::read_rows(done, H5T_NATIVE_INT8, first, n, 0, flags.data(), path + ": runs/done");
    for (std::uint64_t j = 0; j < n; ++j) {
      const std::uint64_t i = first + j;
      if ((flags[j] == 1) != (i < h.runs_done)) {
        throw InvalidFile(path + ": the done flags are not the first " +
                          std::to_string(h.runs_done) + " runs (run " + std::to_string(i) + ")");
      }
    }
  }
  return p;
}
}  // namespace

PartialRun read_partial(const std::string& path) {
  return h5::reading(path, [&] { return read_partial_file(path); });
}

struct RunsReader::Impl {
  std::string path;
  h5::Handle file;
  std::vector<std::string> parameters;
  std::int64_t horizon = 0;  // durability.horizon
  std::int64_t stages = 0;   // stages of protocol.agenda
  std::int64_t designs = 0;  // ceasefire designs
  std::vector<double> scratch;

  h5::Handle dataset(const std::string& name) const {
    if (H5Lexists(file, "runs", H5P_DEFAULT) <= 0 ||
        H5Lexists(file, ("runs/" + name).c_str(), H5P_DEFAULT) <= 0)
      throw InvalidFile(path + ": runs/" + name + ": missing");
    return h5::Handle(H5Dopen2(file, ("runs/" + name).c_str(), H5P_DEFAULT), H5Dclose,
                      path + ": runs/" + name);
  }
  std::uint64_t row = 0;  // file row of the block's first run
  // `width` values per run; 0 for a dataset [run].
  template <typename T>
  void read(const std::string& name, const engine::RunBlock& b, std::size_t width,
            std::vector<T>& out) {
    h5::read_rows(dataset(name), h5::native_type<T>(), row, b.count, width, out.data(),
                  path + ": runs/" + name);
  }
  // The largest value a column may hold, and what it may hold in words.
  std::pair<std::int64_t, std::string> upper(const engine::RunColumn& c,
                                             const engine::RunBlock& b) const {
    using U = engine::RunColumn::Upper;
    using Names = engine::RunColumn::Names;
    const std::string none = c.lo < 0 ? "-1, or " : "";
    switch (c.upper) {
      case U::one:
        return {1, c.lo < 0 ? "-1, 0 or 1" : "0 or 1"};
      case U::flags: {
        const std::vector<std::string> names = engine::flag_names(c.flag_meanings);
        std::string meanings;
        for (std::size_t v = 0; v < names.size(); ++v)
          meanings += (v ? ", " : "") + std::to_string(v) + " " + names[v];
        return {static_cast<std::int64_t>(names.size()) - 1, none + meanings};
      }
      case U::names: {
        const std::int64_t n = c.names == Names::agents   ? static_cast<std::int64_t>(b.agents)
                               : c.names == Names::issues ? static_cast<std::int64_t>(b.issues)
                                                          : designs;
        const char* what = c.names == Names::agents   ? "an agent"
                           : c.names == Names::issues ? "an issue"
                                                      : "a design";
        return {n - 1, none + what + " index below " + std::to_string(n)};
      }
      case U::round:
        return {std::numeric_limits<std::int32_t>::max(), none + "a round from 0"};
      case U::horizon:
        return {horizon, none + "a round after the signature from 1 to durability.horizon (" +
                             std::to_string(horizon) + ")"};
      case U::stages:
        return {stages,
                none + "the stages of protocol.agenda agreed, 0 to " + std::to_string(stages)};
      case U::unchecked:
        break;
    }
    return {std::numeric_limits<std::int64_t>::max(), "any value"};
  }
  // Every value of an index or flag column (`width` values per run) within [lo, hi].
  template <typename T>
  void check_range(const char* name, const std::vector<T>& values, std::size_t width,
                   std::int64_t lo, std::int64_t hi, const std::string& allowed) const {
    if constexpr (!std::is_integral_v<T>) return;
    for (std::size_t j = 0; j < values.size(); ++j) {
      const auto v = static_cast<std::int64_t>(values[j]);
      if (v < lo || v > hi) {
        throw InvalidFile(path + ": runs/" + name + ": " + std::to_string(v) + " at row " +
                          std::to_string(row + j / std::max<std::size_t>(width, 1)) +
                          " (allowed: " + allowed + ")");
      }
    }
  }
};

RunsReader::RunsReader(const std::string& path, const scenario::Scenario& scenario,
                       const engine::Sampler& sampler)
    : impl_(std::make_unique<Impl>()) {
  impl_->horizon = scenario.durability.horizon;
  impl_->stages = static_cast<std::int64_t>(scenario.protocol.agenda.size());
  impl_->designs = static_cast<std::int64_t>(scenario.ceasefire.designs.size());
  h5::quiet_errors();
  impl_->path = path;
  impl_->file = h5::reading(path, [&] { return h5::open_read_only(path); });
  for (const auto& c : sampler.columns()) impl_->parameters.push_back(c.key);
}

RunsReader::~RunsReader() = default;

void RunsReader::read(engine::RunBlock& b, std::uint64_t first_row) {
  h5::reading(impl_->path, [&] { read_block(b, first_row); });
}

void RunsReader::read_block(engine::RunBlock& b, std::uint64_t first_row) {
  Impl& m = *impl_;
  m.row = first_row;
  for (const engine::RunColumn& c : engine::run_columns()) {
    if (c.width(b) == 0) continue;  // across no shocks: no dataset
    const std::size_t width = c.across == engine::RunColumn::Across::run ? 0 : c.width(b);
    std::visit([&](auto member) { m.read(c.name, b, width, b.*member); }, c.member);
  }
  // Only finished runs are read back: each row's done flag must be 1.
  {
    std::vector<std::int8_t> done(b.count);
    m.read("done", b, 0, done);
    m.check_range("done", done, 1, 1, 1, "1: only finished runs are read back");
  }
  m.scratch.resize(b.count);
  for (std::size_t j = 0; j < m.parameters.size(); ++j) {
    m.read(m.parameters[j], b, 0, m.scratch);
    for (std::size_t r = 0; r < b.count; ++r) b.parameters[r * b.sampled + j] = m.scratch[r];
  }
  // The values that index or flag something, against their ranges: a damaged file is refused
  // here rather than indexing past a table later.
  for (const engine::RunColumn& c : engine::run_columns()) {
    if (c.upper == engine::RunColumn::Upper::unchecked) continue;
    // (No structured binding: clang 14 cannot capture one in the lambda.)
    const std::pair<std::int64_t, std::string> range = m.upper(c, b);
    const std::int64_t hi = range.first;
    const std::string& allowed = range.second;
    std::visit(
        [&](auto member) { m.check_range(c.name, b.*member, c.width(b), c.lo, hi, allowed); },
        c.member);
  }
  for (std::size_t r = 0; r < b.count; ++r) {
    // A deal (an agreement, or a partial deal) has a round from 1; only an agreement is flagged.
    const bool agreed = b.agreement[r] == 1;
    const bool deal = b.outcome[r] == 0 || b.outcome[r] == 3;
    if (agreed != (b.outcome[r] == 0) || deal != (b.round[r] >= 1) || b.round[r] == 0) {
      throw InvalidFile(m.path + ": runs/agreement, outcome and round disagree at row " +
                        std::to_string(first_row + r) +
                        " (allowed: agreement 1 with outcome 0, a deal (outcome 0 or 3) with a "
                        "round from 1, no deal with round -1)");
    }
    if ((b.breakdown[r] >= 1) != (b.breakdown_cause[r] >= 0)) {
      throw InvalidFile(m.path + ": runs/breakdown and breakdown_cause disagree at row " +
                        std::to_string(first_row + r) +
                        " (allowed: a round from 1 with a cause 0 or 1, or -1 with -1)");
    }
  }
}

}  // namespace parley::io
