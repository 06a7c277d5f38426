#pragma once
// The runs file's open state, private to parley_io: the datasets of a file being written and
// their pending rows (RunsFile::Impl), shared by runs_file.cpp (create, write, commit),
// runs_file_summary.cpp (the summary, grid and sensitivity groups) and runs_file_trace.cpp
// (traced runs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <type_traits>
#include <variant>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/version.hpp"
#include "run_header_attributes.hpp"

namespace parley::io::detail {

inline constexpr std::size_t kChunkBytes = 1 << 20;
inline constexpr std::size_t kMaxChunkRows = 16384;

// A summary's NaN (nothing to summarise: no deal, no deal in the group) as CF's _FillValue.
inline void no_value_is_nan(hid_t dataset) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  h5::attr_of_type(dataset, "_FillValue", H5T_NATIVE_DOUBLE, &nan);
}

// A [rows, columns] dataset of doubles, from its rows, with a dimension scale on each axis.
template <typename Rows>
h5::Handle write_matrix(hid_t g, const std::string& name, const Rows& rows, std::size_t columns,
                        hid_t row_scale, hid_t column_scale) {
  std::vector<double> values;
  for (const auto& row : rows) values.insert(values.end(), row.begin(), row.end());
  h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {rows.size(), columns}, {});
  if (!values.empty()) h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
  h5::attach_scale(d, row_scale, 0);
  h5::attach_scale(d, column_scale, 1);
  no_value_is_nan(d);
  return d;
}

// A coordinate of numbers: a dataset of `values` made a dimension scale of its own name.
inline h5::Handle numeric_scale(hid_t g, const std::string& name,
                                const std::vector<double>& values) {
  h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {values.size()}, {});
  h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
  h5::make_scale(d, name);
  return d;
}

// 0, 1, …, n − 1.
inline std::vector<double> counting(std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t j = 0; j < n; ++j) out[j] = static_cast<double>(j);
  return out;
}

// One per-run dataset and its pending rows (width values per run; a column of width 0, across
// no shocks, has no dataset).
template <typename T>
struct Column {
  h5::Handle dataset;
  std::size_t width = 1;
  std::vector<T> pending;

  void append(const T* data, std::size_t rows) {
    pending.insert(pending.end(), data, data + rows * width);
  }
  void flush(hsize_t first_row) {
    if (width == 0) return;
    const std::size_t rows = pending.size() / width;
    if (rows == 0) return;
    h5::write_rows(dataset, h5::native_type<T>(), first_row, rows, pending.data());
    pending.clear();
  }
};

}  // namespace parley::io::detail

namespace parley::io {

using namespace detail;

struct RunsFile::Impl {
  AtomicPath path;
  std::string target;
  h5::Handle file;
  h5::Handle runs_group;
  h5::Handle run_scale, agent_scale, issue_scale, shock_scale;
  std::size_t chunk_rows = 1;
  std::size_t n_agents = 0;
  std::size_t n_issues = 0;
  std::size_t n_shocks = 0;
  std::vector<std::string> shock_labels;
  std::vector<std::string> design_labels;  // the ceasefire designs, in ascending order of at
  std::vector<std::string> agent_ids, issue_ids;
  std::vector<scenario::Issue> issues;
  std::size_t battlefield_issue = 0;
  std::size_t max_rounds = 1;  // the scenario's: the round axis's chunk
  // The trace group, written one traced run at a time (add_trace), its coordinates at the end.
  enum class Axis { agent, issue };
  struct TraceData {
    h5::Handle dataset;
    std::vector<Axis> across;  // the dimensions after [trace_run, round]
  };
  // [runs, rounds, then `d`'s agent and issue extents].
  std::vector<hsize_t> trace_shape(const TraceData& d, hsize_t runs, hsize_t rounds) const {
    std::vector<hsize_t> shape = {runs, rounds};
    for (const Axis a : d.across) shape.push_back(a == Axis::issue ? n_issues : n_agents);
    return shape;
  }
  struct Traces {
    h5::Handle group;
    TraceData text, changes, utility, batna, demand, red_lo, red_hi, belief_lo, belief_hi, accepts,
        front, proposer, expected_drift, reservation, range, zone, payment, aid, sanctions;
    std::vector<std::int64_t> runs;
    std::vector<std::int32_t> counts;
    hsize_t longest = 1;
    std::vector<TraceData*> all() {
      return {&text,      &changes,   &utility, &batna, &demand,   &red_lo,         &red_hi,
              &belief_lo, &belief_hi, &accepts, &front, &proposer, &expected_drift, &reservation,
              &range,     &zone,      &payment, &aid,   &sanctions};
    }
    // The expected-utility model's offers taken, [trace_run, challenge] (protocol::TraceChallenge).
    h5::Handle challenge_round, challenge_issue, challenger, target, move, from, to;
    std::vector<std::int32_t> challenge_counts;
    hsize_t most_challenges = 1;
    std::vector<h5::Handle*> challenge_data() {
      return {&challenge_round, &challenge_issue, &challenger, &target, &move, &from, &to};
    }
  } traced;
  void add_trace(std::uint64_t run, const protocol::Trace& run_trace);
  void add_challenges(const protocol::Trace& run_trace, hsize_t j);
  void finish_trace();
  std::uint64_t total_runs = 0;
  double write_seconds = 0.0;
  std::uint64_t flushed_rows = 0;            // rows written to the file
  std::uint64_t pending_rows = 0;            // rows buffered
  std::vector<std::int64_t> run_coordinate;  // pending values of the `run` coordinate
  Column<std::int8_t> done;
  // One per engine::run_columns() entry, in its order.
  using AnyColumn = std::variant<Column<std::int8_t>, Column<std::int32_t>, Column<double>>;
  std::vector<AnyColumn> columns;
  std::vector<Column<double>> parameters;
  std::vector<std::string> parameter_keys;
  std::optional<SweepLayout> sweep;
  Column<std::int32_t> point;
  Column<std::int64_t> run_index;
  std::vector<Column<double>> varied;
  std::vector<std::string> varied_units;  // per varied key: its natural unit, "" if none
  std::vector<double> parameter_scratch;

  Impl(const std::string& target_path, Overwrite overwrite)
      : path(target_path, overwrite), target(target_path) {}

  void describe(hid_t dataset, const std::string& long_name, const std::string& units) {
    h5::describe(dataset, long_name, units);
  }

  using Across = engine::RunColumn::Across;  // the second dimension, if any

  template <typename T>
  void make(Column<T>& column, const std::string& name, Across across, int compress, T fill,
            const std::string& long_name, const std::string& units) {
    const std::size_t width = across == Across::issue   ? n_issues
                              : across == Across::agent ? n_agents
                              : across == Across::shock ? n_shocks
                                                        : 1;
    column.width = width;
    if (width == 0) return;
    std::vector<hsize_t> dims = {total_runs};
    std::vector<hsize_t> chunk = {chunk_rows};
    if (across != Across::run) {
      dims.push_back(width);
      chunk.push_back(width);
    }
    h5::DatasetOptions options{chunk, compress, &fill, {}};
    column.dataset = h5::create_dataset(runs_group, name, h5::native_type<T>(), dims, options);
    column.pending.reserve(chunk_rows * width);
    describe(column.dataset, long_name, units);
    h5::attach_scale(column.dataset, run_scale, 0);
    // CF: the label variables of its second dimension are auxiliary coordinates.
    if (across == Across::issue)
      h5::attr_string(column.dataset, "coordinates", "issue_label issue_unit");
    if (across == Across::agent) h5::attr_string(column.dataset, "coordinates", "agent_name");
    if (across != Across::run) {
      h5::attach_scale(column.dataset,
                       across == Across::issue   ? issue_scale
                       : across == Across::agent ? agent_scale
                                                 : shock_scale,
                       1);
    }
  }

  void flush() {
    if (pending_rows == 0) return;
    const hsize_t first = flushed_rows;
    h5::write_rows(run_scale, H5T_NATIVE_INT64, first, pending_rows, run_coordinate.data());
    run_coordinate.clear();
    if (sweep) {
      point.flush(first);
      run_index.flush(first);
      for (auto& v : varied) v.flush(first);
    }
    done.flush(first);
    for (auto& column : columns) std::visit([&](auto& col) { col.flush(first); }, column);
    for (auto& p : parameters) p.flush(first);
    flushed_rows += pending_rows;
    pending_rows = 0;
  }
};

}  // namespace parley::io
