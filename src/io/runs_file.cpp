#include "parley/io/runs_file.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <sstream>
#include <type_traits>
#include <variant>

#include "hdf5.hpp"
#include "parley/io/io_error.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/version.hpp"
#include "run_header_attributes.hpp"

namespace parley::io {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;
constexpr std::size_t kMaxChunkRows = 16384;

// A summary's NaN (nothing to summarise: no deal, no deal in the group) as CF's _FillValue.
void no_value_is_nan(hid_t dataset) {
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
h5::Handle numeric_scale(hid_t g, const std::string& name, const std::vector<double>& values) {
  h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {values.size()}, {});
  h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
  h5::make_scale(d, name);
  return d;
}

// 0, 1, …, n − 1.
std::vector<double> counting(std::size_t n) {
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

}  // namespace

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
        front, proposer;
    std::vector<std::int64_t> runs;
    std::vector<std::int32_t> counts;
    hsize_t longest = 1;
    std::vector<TraceData*> all() {
      return {&text,   &changes,   &utility,   &batna,   &demand, &red_lo,
              &red_hi, &belief_lo, &belief_hi, &accepts, &front,  &proposer};
    }
  } traced;
  void add_trace(std::uint64_t run, const protocol::Trace& run_trace);
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

RunsFile::RunsFile(const std::string& path, const scenario::Scenario& s,
                   const std::vector<engine::SampledColumn>& columns, const RunHeader& header,
                   Overwrite overwrite)
    : impl_(std::make_unique<Impl>(path, overwrite)) {
  h5::quiet_errors();
  Impl& m = *impl_;
  m.total_runs = header.rows;
  m.n_agents = s.agents.size();
  m.n_issues = s.issues.size();
  m.n_shocks = s.shocks.size();
  const std::size_t widest =
      std::max({m.n_agents, m.n_issues, m.n_shocks, std::size_t{1}}) * sizeof(double);
  m.chunk_rows = std::max<std::size_t>(
      1,
      std::min<std::size_t>({kMaxChunkRows, kChunkBytes / widest,
                             static_cast<std::size_t>(std::max<std::uint64_t>(header.rows, 1))}));

  m.file = h5::create_file(m.path.temporary());
  const hid_t root = m.file;
  m.sweep = header.sweep;
  write_run_header(root, s, header);

  m.runs_group = h5::create_group(root, "runs");
  m.issues = s.issues;
  m.battlefield_issue = s.battlefield.issue;
  m.max_rounds = static_cast<std::size_t>(std::max(s.protocol.max_rounds, 1));
  for (const auto& a : s.agents) m.agent_ids.push_back(a.id);
  for (const auto& i : s.issues) m.issue_ids.push_back(i.id);

  // Coordinates: run (written with the rows), agent and issue (names).
  {
    const std::int64_t fill = -1;
    m.run_scale = h5::create_dataset(m.runs_group, "run", H5T_STD_I64LE, {m.total_runs},
                                     {{m.chunk_rows}, header.compress, &fill, {}});
    h5::make_scale(m.run_scale, "run");
    m.describe(m.run_scale, "run index", "");
  }
  m.agent_scale = h5::write_strings(m.runs_group, "agent", m.agent_ids);
  h5::make_scale(m.agent_scale, "agent");
  h5::attr_string(m.agent_scale, "long_name", "agent id (its key in the scenario's [agents])");
  m.issue_scale = h5::write_strings(m.runs_group, "issue", m.issue_ids);
  h5::make_scale(m.issue_scale, "issue");
  h5::attr_string(m.issue_scale, "long_name", "issue id (its key in the scenario's [issues])");
  if (m.n_shocks > 0) {
    // Coordinate `shock`: each shock as the scenario states it.
    for (const auto& shock : s.shocks) m.shock_labels.push_back(shock.label);
    for (const auto& d : s.ceasefire.designs) m.design_labels.push_back(d.label);
    m.shock_scale = h5::write_strings(m.runs_group, "shock", m.shock_labels);
    h5::make_scale(m.shock_scale, "shock");
    h5::attr_string(m.shock_scale, "long_name", "shock (its trigger and effect)");
  }
  {
    std::vector<std::string> names, labels, units;
    for (const auto& a : s.agents) names.push_back(a.name);
    for (const auto& i : s.issues) {
      labels.push_back(i.label);
      units.push_back(i.unit);
    }
    // Labels of the agent and issue ids: coordinates of every variable across agents or issues
    // (their `coordinates` attribute, make()).
    h5::Handle agent_name = h5::write_strings(m.runs_group, "agent_name", names);
    h5::attach_scale(agent_name, m.agent_scale, 0);
    m.describe(agent_name, "agent's name", "");
    h5::Handle issue_label = h5::write_strings(m.runs_group, "issue_label", labels);
    h5::attach_scale(issue_label, m.issue_scale, 0);
    m.describe(issue_label, "issue's label", "");
    h5::Handle issue_unit = h5::write_strings(m.runs_group, "issue_unit", units);
    h5::attach_scale(issue_unit, m.issue_scale, 0);
    m.describe(issue_unit, "issue's natural unit (the unit of its terms)", "");
  }

  const int c = header.compress;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m.make(m.done, "done", Impl::Across::run, c, std::int8_t{0},
         "1 if the run finished (0 only in an interrupted run's .partial file)", "");
  const auto& bf = s.issues[s.battlefield.issue];
  for (const engine::RunColumn& rc : engine::run_columns()) {
    std::visit(
        [&](auto member) {
          using T = typename std::remove_reference_t<decltype(std::declval<engine::RunBlock&>().*
                                                              member)>::value_type;
          Column<T> col;
          std::string long_name = rc.long_name;
          std::string units = rc.units;
          if (units == "battlefield") {  // the battlefield issue's own unit
            long_name += " (" + bf.id + ")";
            units = bf.unit;
          }
          const T fill = static_cast<T>(rc.fill);
          m.make(col, rc.name, rc.across, c, fill, long_name, units);
          // The "no value" marker (-1, NaN) as CF's _FillValue: xarray and netCDF mask it.
          if (col.width > 0)
            h5::attr_of_type(col.dataset, "_FillValue", h5::native_type<T>(), &fill);
          if (col.width > 0 && rc.names != engine::RunColumn::Names::none) {
            using N = engine::RunColumn::Names;
            std::string meanings;
            std::vector<std::int32_t> values;
            auto add = [&](const std::string& id) {
              meanings += (meanings.empty() ? "" : " ") + id;
              values.push_back(static_cast<std::int32_t>(values.size()));
            };
            if (rc.names == N::agents)
              for (const auto& a : s.agents) add(a.id);
            if (rc.names == N::issues)
              for (const auto& i : s.issues) add(i.id);
            if (rc.names == N::designs)
              for (const auto& d : s.ceasefire.designs) add(d.id);
            if (!values.empty()) {
              h5::attr_int32_array(col.dataset, "flag_values", values);
              h5::attr_string(col.dataset, "flag_meanings", meanings);
            }
          }
          if (rc.flag_meanings) {
            // CF flags: the values 0, 1, ... one per word of the meanings.
            std::istringstream words(rc.flag_meanings);
            std::vector<std::int8_t> values;
            for (std::string w; words >> w;)
              values.push_back(static_cast<std::int8_t>(values.size()));
            h5::attr_int8_array(col.dataset, "flag_values", values);
            h5::attr_string(col.dataset, "flag_meanings", rc.flag_meanings);
          }
          m.columns.emplace_back(std::move(col));
        },
        rc.member);
  }
  m.parameters.resize(columns.size());
  for (const auto& column : columns) m.parameter_keys.push_back(column.key);
  if (m.sweep) {
    m.make(m.point, "point", Impl::Across::run, c, std::int32_t{-1}, "sweep point", "");
    m.make(m.run_index, "run_index", Impl::Across::run, c, std::int64_t{-1},
           "run index within the point (the same random numbers at every point)", "");
    m.varied.resize(m.sweep->keys.size());
    const std::vector<scenario::ParameterRef> refs = s.parameters();
    for (std::size_t j = 0; j < m.sweep->keys.size(); ++j) {
      // The key's natural unit where it is a registered parameter (a sweep may vary others).
      std::string unit;
      for (const auto& ref : refs) {
        if (ref.param && ref.param->key == m.sweep->keys[j]) unit = ref.unit;
      }
      m.make(m.varied[j], m.sweep->keys[j], Impl::Across::run, c, nan,
             "varied key " + m.sweep->keys[j] + " at the row's point", unit);
    }
  }
  for (std::size_t j = 0; j < columns.size(); ++j) {
    m.make(m.parameters[j], columns[j].key, Impl::Across::run, c, nan,
           "sampled parameter " + columns[j].key, columns[j].unit);
    // Marked, so that code can tell the run's drawn parameters from its outcomes.
    h5::attr_string(m.parameters[j].dataset, "role", "sampled parameter");
  }
}

RunsFile::~RunsFile() = default;

std::size_t RunsFile::chunk_rows() const noexcept {
  return impl_->chunk_rows;
}

void RunsFile::flush() {
  try {
    const auto start = std::chrono::steady_clock::now();
    impl_->flush();
    impl_->write_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

double RunsFile::write_seconds() const noexcept {
  return impl_->write_seconds;
}

void RunsFile::write(const engine::RunBlock& b) {
  try {
    Impl& m = *impl_;
    const auto start = std::chrono::steady_clock::now();
    struct Timer {
      Impl& m;
      std::chrono::steady_clock::time_point start;
      ~Timer() {
        m.write_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
    } timer{m, start};
    for (const auto& [run, trace] : b.traces) m.add_trace(run, trace);
    std::size_t row = 0;
    while (row < b.count) {
      const std::size_t take = std::min<std::size_t>(
          b.count - row, m.chunk_rows - static_cast<std::size_t>(m.pending_rows));
      // The row's coordinate: its run index, offset by its point in a sweep.
      const std::uint64_t offset = m.sweep ? b.point * m.sweep->runs_per_point : 0;
      for (std::size_t r = 0; r < take; ++r) {
        const std::uint64_t run = b.first + row + r;
        m.run_coordinate.push_back(static_cast<std::int64_t>(offset + run));
        if (m.sweep) {
          m.point.pending.push_back(static_cast<std::int32_t>(b.point));
          m.run_index.pending.push_back(static_cast<std::int64_t>(run));
          for (std::size_t j = 0; j < m.varied.size(); ++j) {
            m.varied[j].pending.push_back(m.sweep->points[b.point][j]);
          }
        }
      }
      m.done.pending.insert(m.done.pending.end(), take, std::int8_t{1});
      const auto& table = engine::run_columns();
      for (std::size_t j = 0; j < table.size(); ++j) {
        std::visit(
            [&](auto member) {
              const auto& values = b.*member;
              using T = typename std::remove_cvref_t<decltype(values)>::value_type;
              auto& col = std::get<Column<T>>(m.columns[j]);
              col.append(values.data() + row * col.width, take);
            },
            table[j].member);
      }
      for (std::size_t j = 0; j < m.parameters.size(); ++j) {
        for (std::size_t r = 0; r < take; ++r) {
          m.parameters[j].pending.push_back(b.parameters[(row + r) * b.sampled + j]);
        }
      }
      m.pending_rows += take;
      row += take;
      if (m.pending_rows == m.chunk_rows) m.flush();
    }
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

void RunsFile::write_summary(const engine::Summary& s) {
  try {
    Impl& m = *impl_;
    m.flush();
    h5::Handle g = h5::create_group(m.file, "summary");
    h5::Handle agent = h5::write_strings(g, "agent", m.agent_ids);
    h5::make_scale(agent, "agent");
    h5::attr_string(agent, "long_name", "agent id (its key in the scenario's [agents])");
    h5::Handle issue = h5::write_strings(g, "issue", m.issue_ids);
    h5::make_scale(issue, "issue");
    h5::attr_string(issue, "long_name", "issue id (its key in the scenario's [issues])");
    h5::Handle outcome =
        h5::write_strings(g, "outcome", {"agreement", "walk-out", "deadline", "partial"});
    h5::make_scale(outcome, "outcome");
    h5::attr_string(outcome, "long_name", "how the talks ended");
    const std::vector<double> q(engine::kDealQuantiles.begin(), engine::kDealQuantiles.end());
    h5::Handle quantile = numeric_scale(g, "quantile", q);
    m.describe(quantile, "probability of the quantile of the deal terms", "1");
    h5::Handle round_quantile = numeric_scale(
        g, "round_quantile", {engine::kRoundQuantiles.begin(), engine::kRoundQuantiles.end()});
    m.describe(round_quantile, "probability of the quantile of the round of agreement", "1");

    auto scalar = [&](const std::string& name, double value, const std::string& long_name,
                      const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {}, {});
      h5::write_all(d, H5T_NATIVE_DOUBLE, &value);
      m.describe(d, long_name, units);
      no_value_is_nan(d);
    };
    // Counts are integers (CF: a count has no unit; naive code must not see 0.5 runs).
    auto count = [&](const std::string& name, const std::vector<std::int64_t>& values, hid_t scale,
                     const std::string& long_name) {
      const bool scalar_count = scale < 0;
      h5::Handle d = h5::create_dataset(
          g, name, H5T_STD_I64LE,
          scalar_count ? std::vector<hsize_t>{} : std::vector<hsize_t>{values.size()}, {});
      if (!values.empty()) h5::write_all(d, H5T_NATIVE_INT64, values.data());
      if (!scalar_count) h5::attach_scale(d, scale, 0);
      m.describe(d, long_name, "");
    };
    auto vector = [&](const std::string& name, const std::vector<double>& values, hid_t scale,
                      const std::string& long_name, const std::string& units) {
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, {values.size()}, {});
      h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      h5::attach_scale(d, scale, 0);
      m.describe(d, long_name, units);
      no_value_is_nan(d);
    };
    count("runs", {static_cast<std::int64_t>(s.runs)}, -1, "runs summarised");
    scalar("p_agreement", s.p_agreement, "probability of agreement", "1");
    scalar("p_agreement_low", s.p_low, "95% Wilson interval of p_agreement, lower end", "1");
    scalar("p_agreement_high", s.p_high, "95% Wilson interval of p_agreement, upper end", "1");
    // Timings vary from run to run, so they are attributes: every dataset stays bit-identical.
    h5::attr_double(g, "wall_seconds", s.wall_seconds);
    h5::attr_double(g, "runs_per_second", s.runs_per_second);
    h5::attr_double(g, "write_seconds", s.write_seconds);
    count("outcome_count", {s.outcomes.begin(), s.outcomes.end()}, outcome, "runs by outcome");
    vector("rounds", std::vector<double>(s.rounds.begin(), s.rounds.end()), round_quantile,
           "quartiles of the round of agreement", "round");
    if (!s.deal_by.empty()) {
      std::vector<double> rounds(s.deal_by.size());
      for (std::size_t t = 0; t < rounds.size(); ++t) rounds[t] = static_cast<double>(t + 1);
      h5::Handle by_round = numeric_scale(g, "by_round", rounds);
      m.describe(by_round, "round of the talks", "round");
      vector("deal_by", s.deal_by, by_round, "share of runs with an agreement by the round", "1");
    }
    vector("deal_mean", s.deal_mean, issue, "mean deal term, natural units", "");
    vector("mean_utility", s.mean_utility, agent, "mean utility of the final text", "utility");
    vector("blocker_share", s.blocker_share, agent, "share of runs blocked by the agent", "1");
    vector("obstacle_share", s.obstacle_share, issue,
           "share of runs whose principal obstacle was the issue", "1");
    vector("obstacle_second_share", s.obstacle_second_share, issue,
           "share of runs whose second obstacle was the issue", "1");
    if (m.n_shocks > 0) {
      h5::Handle shock = h5::write_strings(g, "shock", m.shock_labels);
      h5::make_scale(shock, "shock");
      h5::attr_string(shock, "long_name", "shock (its trigger and effect)");
      vector("shock_share", s.shock_share, shock, "share of runs in which the shock fired", "1");
    }
    if (!s.stage_share.empty()) {
      h5::Handle agreed = numeric_scale(g, "stages_agreed", counting(s.stage_share.size()));
      m.describe(agreed, "stages of protocol.agenda agreed", "");
      vector("stage_share", s.stage_share, agreed,
             "share of runs by the stages of the agenda they agreed", "1");
    }
    if (!s.interim_share.empty()) {
      h5::Handle design = h5::write_strings(g, "ceasefire_design", m.design_labels);
      h5::make_scale(design, "ceasefire_design");
      h5::attr_string(design, "long_name",
                      "ceasefire design (its key in the scenario's [ceasefire.designs])");
      vector("interim_share", s.interim_share, design,
             "share of runs in which a stage's interim ceasefire of the design came into force",
             "1");
    }
    if (!s.survival.empty()) {
      // Whether deals hold: [group, t], t = 0..horizon rounds after the signature.
      h5::Handle group = h5::write_strings(g, "survival_group", s.survival_groups);
      h5::make_scale(group, "survival_group");
      h5::attr_string(group, "long_name", "group of deals (by the term durability.by)");
      const std::size_t width = s.survival.front().size();
      h5::Handle after = numeric_scale(g, "after_round", counting(width));
      m.describe(after, "rounds after the signature", "round");
      h5::Handle d = write_matrix(g, "survival", s.survival, width, group, after);
      m.describe(d,
                 "share of the group's deals still holding t rounds after the signature "
                 "(Kaplan-Meier; every deal is followed to the horizon)",
                 "1");
      count("survival_deals", {s.survival_deals.begin(), s.survival_deals.end()}, group,
            "deals in the group");
      h5::Handle cause = h5::write_strings(g, "breakdown_cause", {"hazard", "power-shift"});
      h5::make_scale(cause, "breakdown_cause");
      h5::attr_string(cause, "long_name", "cause of a deal's breakdown");
      count("breakdown_count", {s.breakdowns.begin(), s.breakdowns.end()}, cause,
            "deals that broke down, by cause: the hazard of their terms, the shift of power "
            "after them");
    }
    {
      h5::Handle d = write_matrix(g, "deal_quantiles", s.deal_quantiles, q.size(), issue, quantile);
      m.describe(d, "quantiles of the deal terms, natural units (histogram resolution range/65536)",
                 "");
    }
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

void RunsFile::write_grid(const std::vector<engine::Summary>& per_point) {
  try {
    // grid/: one labelled dimension per varied key (factorial; first key slowest) or a
    // `point` dimension with the keys as coordinates on it (Latin hypercube).
    Impl& m = *impl_;
    m.flush();
    const SweepLayout& layout = *m.sweep;
    h5::Handle g = h5::create_group(m.file, "grid");
    std::vector<hsize_t> grid;
    std::vector<h5::Handle> scales;
    if (layout.design == "factorial") {
      for (std::size_t j = 0; j < layout.keys.size(); ++j) {
        const auto& axis = layout.axes[j];
        h5::Handle d = numeric_scale(g, layout.keys[j], axis);
        m.describe(d, "varied key " + layout.keys[j], "");
        grid.push_back(axis.size());
        scales.push_back(std::move(d));
      }
    } else {
      std::vector<std::int64_t> index(layout.points.size());
      for (std::size_t p = 0; p < index.size(); ++p) index[p] = static_cast<std::int64_t>(p);
      h5::Handle point = h5::create_dataset(g, "point", H5T_STD_I64LE, {index.size()}, {});
      h5::write_all(point, H5T_NATIVE_INT64, index.data());
      h5::make_scale(point, "point");
      h5::attr_string(point, "long_name", "point of the design (a row of it)");
      for (std::size_t j = 0; j < layout.keys.size(); ++j) {
        std::vector<double> values;
        for (const auto& pt : layout.points) values.push_back(pt[j]);
        h5::Handle d = h5::create_dataset(g, layout.keys[j], H5T_IEEE_F64LE, {values.size()}, {});
        h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
        h5::attach_scale(d, point, 0);
        m.describe(d, "varied key " + layout.keys[j] + " at each point", "");
      }
      grid.push_back(index.size());
      scales.push_back(std::move(point));
    }
    h5::Handle issue = h5::write_strings(g, "issue", m.issue_ids);
    h5::make_scale(issue, "issue");
    h5::attr_string(issue, "long_name", "issue id (its key in the scenario's [issues])");
    h5::Handle agent = h5::write_strings(g, "agent", m.agent_ids);
    h5::make_scale(agent, "agent");
    h5::attr_string(agent, "long_name", "agent id (its key in the scenario's [agents])");
    const std::vector<double> q(engine::kDealQuantiles.begin(), engine::kDealQuantiles.end());
    h5::Handle quantile = numeric_scale(g, "quantile", q);
    m.describe(quantile, "probability of the quantile of the deal terms", "1");

    auto write = [&](const std::string& name, const std::vector<double>& values,
                     const std::vector<std::pair<hsize_t, hid_t>>& extra,
                     const std::string& long_name, const std::string& units) {
      std::vector<hsize_t> dims = grid;
      for (const auto& e : extra) dims.push_back(e.first);
      h5::Handle d = h5::create_dataset(g, name, H5T_IEEE_F64LE, dims, {});
      h5::write_all(d, H5T_NATIVE_DOUBLE, values.data());
      for (std::size_t j = 0; j < scales.size(); ++j)
        h5::attach_scale(d, scales[j], static_cast<unsigned>(j));
      for (std::size_t j = 0; j < extra.size(); ++j) {
        h5::attach_scale(d, extra[j].second, static_cast<unsigned>(scales.size() + j));
      }
      m.describe(d, long_name, units);
      no_value_is_nan(d);
    };
    std::vector<double> p, lo, hi, median, deal_mean, deal_q, obstacle, blocker;
    for (const auto& sm : per_point) {
      p.push_back(sm.p_agreement);
      lo.push_back(sm.p_low);
      hi.push_back(sm.p_high);
      median.push_back(sm.rounds[1]);
      deal_mean.insert(deal_mean.end(), sm.deal_mean.begin(), sm.deal_mean.end());
      for (const auto& row : sm.deal_quantiles) deal_q.insert(deal_q.end(), row.begin(), row.end());
      obstacle.insert(obstacle.end(), sm.obstacle_share.begin(), sm.obstacle_share.end());
      blocker.insert(blocker.end(), sm.blocker_share.begin(), sm.blocker_share.end());
    }
    write("p_agreement", p, {}, "probability of agreement", "1");
    write("p_agreement_low", lo, {}, "95% Wilson interval of p_agreement, lower end", "1");
    write("p_agreement_high", hi, {}, "95% Wilson interval of p_agreement, upper end", "1");
    write("rounds_median", median, {}, "median round of agreement", "round");
    write("deal_mean", deal_mean, {{m.n_issues, issue}}, "mean deal term, natural units", "");
    write("deal_quantiles", deal_q, {{m.n_issues, issue}, {q.size(), quantile}},
          "quantiles of the deal terms, natural units", "");
    write("obstacle_share", obstacle, {{m.n_issues, issue}},
          "share of runs whose principal obstacle was the issue", "1");
    write("blocker_share", blocker, {{m.n_agents, agent}}, "share of runs blocked by the agent",
          "1");
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

void RunsFile::write_sensitivity(const engine::Sensitivity& sensitivity) {
  try {
    Impl& m = *impl_;
    h5::Handle g(H5Gopen2(m.file, "summary", H5P_DEFAULT), H5Gclose, "group summary");
    h5::Handle parameter = h5::write_strings(g, "parameter", m.parameter_keys);
    h5::make_scale(parameter, "parameter");
    h5::attr_string(parameter, "long_name", "sampled parameter (its scenario key)");
    h5::Handle target = h5::write_strings(g, "target", sensitivity.targets);
    h5::make_scale(target, "target");
    h5::attr_string(target, "long_name", "outcome the sampled parameters are correlated with");
    h5::Handle d =
        write_matrix(g, "spearman", sensitivity.rho, sensitivity.targets.size(), parameter, target);
    m.describe(d,
               "Spearman rank correlation of each sampled parameter with agreement and, over the "
               "deals, with each deal term",
               "1");
    h5::attr_int64(d, "runs", static_cast<std::int64_t>(sensitivity.runs));
    // Each coefficient's 95% interval (Fisher's z) and the level of noise, per target.
    std::vector<std::vector<double>> low, high;
    for (const auto& row : sensitivity.rho) {
      low.emplace_back();
      high.emplace_back();
      for (std::size_t t = 0; t < row.size(); ++t) {
        const auto ci = engine::spearman_interval(row[t], sensitivity.pairs.at(t));
        low.back().push_back(ci[0]);
        high.back().push_back(ci[1]);
      }
    }
    h5::Handle lo =
        write_matrix(g, "spearman_low", low, sensitivity.targets.size(), parameter, target);
    m.describe(lo, "95% interval of spearman, lower end (Fisher's z, se 1.03/sqrt(n - 3))", "1");
    h5::Handle hi =
        write_matrix(g, "spearman_high", high, sensitivity.targets.size(), parameter, target);
    m.describe(hi, "95% interval of spearman, upper end", "1");
    std::vector<double> noise, pairs;
    for (const std::uint64_t n : sensitivity.pairs) {
      noise.push_back(engine::spearman_noise(n));
      pairs.push_back(static_cast<double>(n));
    }
    h5::Handle dn = h5::create_dataset(g, "spearman_noise", H5T_IEEE_F64LE, {noise.size()}, {});
    h5::write_all(dn, H5T_NATIVE_DOUBLE, noise.data());
    h5::attach_scale(dn, target, 0);
    m.describe(dn,
               "|spearman| that an unrelated parameter exceeds with probability 5%: below it, "
               "noise",
               "1");
    h5::Handle dp = h5::create_dataset(g, "spearman_pairs", H5T_STD_I64LE, {pairs.size()}, {});
    std::vector<std::int64_t> counts(sensitivity.pairs.begin(), sensitivity.pairs.end());
    h5::write_all(dp, H5T_NATIVE_INT64, counts.data());
    h5::attach_scale(dp, target, 0);
    m.describe(dp, "pairs each target's coefficients are computed from (runs, or deals)", "");
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

void RunsFile::Impl::add_trace(std::uint64_t run, const protocol::Trace& run_trace) {
  // Group `trace`: [trace_run, round, issue|agent], padded with NaN / -1 past a run's end
  // (the datasets' fill values). Each traced run is written as it arrives; the round axis grows
  // to the longest run so far, so memory holds one run, whatever the number traced.
  const hsize_t ni = n_issues, na = n_agents;
  if (traced.group.get() < 0) {
    traced.group = h5::create_group(file, "trace");
    const hsize_t chunk_rounds = std::clamp<hsize_t>(max_rounds, 1, 256);
    auto make = [&](TraceData& d, const char* name, hid_t type, const void* fill,
                    std::vector<Axis> across, const std::string& long_name,
                    const std::string& units) {
      d.across = std::move(across);
      const std::vector<hsize_t> dims = trace_shape(d, 0, 1);
      std::vector<hsize_t> max = dims, chunk = dims;
      max[0] = max[1] = H5S_UNLIMITED;
      chunk[0] = 1;
      chunk[1] = chunk_rounds;
      for (std::size_t x = 2; x < chunk.size(); ++x) chunk[x] = std::max<hsize_t>(chunk[x], 1);
      d.dataset = h5::create_dataset(traced.group, name, type, dims, {chunk, 0, fill, max});
      describe(d.dataset, long_name, units);
      // The fill (NaN, -1) marks "no value" (past the end of the run) as CF's _FillValue; in
      // `changes` the fill 0 is a value ("unchanged"), and the values are flags.
      if (std::string(name) != "changes") {
        h5::attr_of_type(d.dataset, "_FillValue", type, fill);
      } else {
        const std::vector<std::int8_t> lineage = {-1, 0, 1};
        h5::attr_int8_array(d.dataset, "flag_values", lineage);
        h5::attr_string(d.dataset, "flag_meanings", "dropped unchanged added");
      }
    };
    const Axis issue = Axis::issue, agent = Axis::agent;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::int8_t no = -1, unchanged = 0;
    const std::int32_t nobody = -1;
    make(traced.text, "text", H5T_IEEE_F64LE, &nan, {issue}, "text on the table, natural units",
         "");
    make(traced.changes, "changes", H5T_STD_I8LE, &unchanged, {issue},
         "draft lineage: +1 clause added (position raised), -1 dropped (lowered), 0 unchanged "
         "(also in the first round and past the end)",
         "");
    make(traced.utility, "utility", H5T_IEEE_F64LE, &nan, {agent},
         "each agent's utility of the text", "utility");
    make(traced.batna, "batna", H5T_IEEE_F64LE, &nan, {agent}, "BATNA", "utility");
    make(traced.demand, "demand", H5T_IEEE_F64LE, &nan, {agent},
         "utility the agent demands: its BATNA, or its aspiration where higher", "utility");
    make(traced.red_lo, "red_lo", H5T_IEEE_F64LE, &nan, {agent, issue},
         "lowest position the agent accepts in this round, natural units", "");
    make(traced.red_hi, "red_hi", H5T_IEEE_F64LE, &nan, {agent, issue},
         "highest position the agent accepts in this round, natural units", "");
    make(traced.belief_lo, "belief_lo", H5T_IEEE_F64LE, &nan, {agent, issue},
         "the mediator's posterior median of the agent's private lowest position after this "
         "round's answers, natural units (NaN: not private, or complete information)",
         "");
    make(traced.belief_hi, "belief_hi", H5T_IEEE_F64LE, &nan, {agent, issue},
         "the mediator's posterior median of the agent's private highest position (as belief_lo)",
         "");
    make(traced.accepts, "accepts", H5T_STD_I8LE, &no, {agent},
         "1 if the agent accepts the text (-1: after the end)", "");
    make(traced.front, "battlefield", H5T_IEEE_F64LE, &nan, {}, "front line", "");
    make(traced.proposer, "proposer", H5T_STD_I32LE, &nobody, {},
         "index of the proposing agent (alternating offers; -1 otherwise)", "");
  }
  const hsize_t rounds = run_trace.rounds.size();
  const hsize_t j = traced.runs.size();
  traced.runs.push_back(static_cast<std::int64_t>(run));
  traced.counts.push_back(static_cast<std::int32_t>(rounds));
  traced.longest = std::max(traced.longest, std::max<hsize_t>(rounds, 1));
  for (TraceData* d : traced.all()) h5::extend(d->dataset, trace_shape(*d, j + 1, traced.longest));
  if (rounds == 0) return;
  std::vector<std::int32_t> proposer(rounds);
  std::vector<double> text(rounds * ni), utility(rounds * na), batna(rounds * na),
      demand(rounds * na), red_lo(rounds * na * ni), red_hi(rounds * na * ni),
      belief_lo(rounds * na * ni), belief_hi(rounds * na * ni), front(rounds);
  std::vector<std::int8_t> accepts(rounds * na), changes(rounds * ni, 0);
  const double no_belief = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t r = 0; r < rounds; ++r) {
    const auto& round = run_trace.rounds[r];
    proposer[r] = static_cast<std::int32_t>(round.proposer);
    front[r] = issues[battlefield_issue].to_natural(round.front);
    for (std::size_t i = 0; i < ni; ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      text[r * ni + i] = issues[i].to_natural(round.text(ii));
      if (r > 0) {
        // Draft lineage: +1 a clause added (an option or position raised), -1 the reverse.
        const double before = run_trace.rounds[r - 1].text(ii);
        changes[r * ni + i] =
            static_cast<std::int8_t>((round.text(ii) > before) - (round.text(ii) < before));
      }
    }
    for (std::size_t a = 0; a < na; ++a) {
      const auto ai = static_cast<Eigen::Index>(a);
      utility[r * na + a] = round.utility(ai);
      batna[r * na + a] = round.batna(ai);
      demand[r * na + a] = round.demand(ai);
      accepts[r * na + a] = round.accepts[a];
      for (std::size_t i = 0; i < ni; ++i) {
        const auto ii = static_cast<Eigen::Index>(i);
        red_lo[(r * na + a) * ni + i] = issues[i].to_natural(round.red_lo(ai, ii));
        red_hi[(r * na + a) * ni + i] = issues[i].to_natural(round.red_hi(ai, ii));
        const bool believed = round.belief_lo.size() > 0;
        belief_lo[(r * na + a) * ni + i] =
            believed ? issues[i].to_natural(round.belief_lo(ai, ii)) : no_belief;
        belief_hi[(r * na + a) * ni + i] =
            believed ? issues[i].to_natural(round.belief_hi(ai, ii)) : no_belief;
      }
    }
  }
  auto put = [&](TraceData& d, hid_t memory_type, const void* data) {
    const std::vector<hsize_t> count = trace_shape(d, 1, rounds);
    std::vector<hsize_t> start(count.size(), 0);
    start[0] = j;
    h5::write_block(d.dataset, memory_type, start, count, data);
  };
  put(traced.text, H5T_NATIVE_DOUBLE, text.data());
  put(traced.changes, H5T_NATIVE_INT8, changes.data());
  put(traced.utility, H5T_NATIVE_DOUBLE, utility.data());
  put(traced.batna, H5T_NATIVE_DOUBLE, batna.data());
  put(traced.demand, H5T_NATIVE_DOUBLE, demand.data());
  put(traced.red_lo, H5T_NATIVE_DOUBLE, red_lo.data());
  put(traced.red_hi, H5T_NATIVE_DOUBLE, red_hi.data());
  put(traced.belief_lo, H5T_NATIVE_DOUBLE, belief_lo.data());
  put(traced.belief_hi, H5T_NATIVE_DOUBLE, belief_hi.data());
  put(traced.accepts, H5T_NATIVE_INT8, accepts.data());
  put(traced.front, H5T_NATIVE_DOUBLE, front.data());
  put(traced.proposer, H5T_NATIVE_INT32, proposer.data());
}

void RunsFile::Impl::finish_trace() {
  // The coordinates, now that the traced runs and the longest run are known.
  if (traced.group.get() < 0) return;
  const hsize_t k = traced.runs.size(), t = traced.longest;
  h5::Handle& g = traced.group;
  h5::Handle t_run_scale = h5::create_dataset(g, "trace_run", H5T_STD_I64LE, {k}, {});
  if (k > 0) h5::write_all(t_run_scale, H5T_NATIVE_INT64, traced.runs.data());
  h5::make_scale(t_run_scale, "trace_run");
  describe(t_run_scale, "index of the traced run", "");
  std::vector<std::int32_t> rounds_axis;
  for (hsize_t r = 1; r <= t; ++r) rounds_axis.push_back(static_cast<std::int32_t>(r));
  h5::Handle t_round_scale = h5::create_dataset(g, "round", H5T_STD_I32LE, {t}, {});
  h5::write_all(t_round_scale, H5T_NATIVE_INT32, rounds_axis.data());
  h5::make_scale(t_round_scale, "round");
  describe(t_round_scale, "round of the talks", "round");
  h5::Handle t_issue_scale = h5::write_strings(g, "issue", issue_ids);
  h5::make_scale(t_issue_scale, "issue");
  h5::attr_string(t_issue_scale, "long_name", "issue id (its key in the scenario's [issues])");
  h5::Handle t_agent_scale = h5::write_strings(g, "agent", agent_ids);
  h5::make_scale(t_agent_scale, "agent");
  h5::attr_string(t_agent_scale, "long_name", "agent id (its key in the scenario's [agents])");
  for (TraceData* d : traced.all()) {
    h5::attach_scale(d->dataset, t_run_scale, 0);
    h5::attach_scale(d->dataset, t_round_scale, 1);
    for (std::size_t x = 0; x < d->across.size(); ++x) {
      h5::attach_scale(d->dataset, d->across[x] == Axis::issue ? t_issue_scale : t_agent_scale,
                       static_cast<unsigned>(2 + x));
    }
    d->dataset = {};
  }
  h5::Handle count = h5::create_dataset(g, "rounds", H5T_STD_I32LE, {k}, {});
  if (k > 0) h5::write_all(count, H5T_NATIVE_INT32, traced.counts.data());
  h5::attach_scale(count, t_run_scale, 0);
  describe(count, "rounds the talks lasted", "round");
  traced.group = {};
}

void RunsFile::commit() {
  try {
    close(true, impl_->total_runs);
    impl_->path.commit();
  } catch (const IoError& e) {
    throw IoError(impl_->target + ": " + e.what());
  }
}

std::string RunsFile::commit_partial(std::uint64_t done) {
  const std::string partial = impl_->target + ".partial";
  try {
    close(false, done);
    impl_->path.commit_as(partial);
  } catch (const IoError& e) {
    throw IoError(partial + ": " + e.what());
  }
  return partial;
}

void RunsFile::close(bool complete, std::uint64_t done) {
  Impl& m = *impl_;
  m.flush();
  m.finish_trace();
  mark_finished(m.file, complete, done);
  for (auto& column : m.columns) std::visit([](auto& col) { col.dataset = {}; }, column);
  for (auto& p : m.parameters) p.dataset = {};
  for (auto& v : m.varied) v.dataset = {};
  m.point.dataset = {};
  m.run_index.dataset = {};
  m.done.dataset = {};
  m.run_scale = {};
  m.agent_scale = {};
  m.issue_scale = {};
  m.runs_group.close();
  h5::check(H5Fflush(m.file, H5F_SCOPE_GLOBAL), "flushing " + m.target);
  m.file.close();
}

}  // namespace parley::io
