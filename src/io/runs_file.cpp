// Runs files: created, written a block of runs at a time, committed (see runs_file.hpp).
#include <algorithm>
#include "runs_file_impl.hpp"

namespace parley::io {

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
  for (const auto& d : s.ceasefire.designs) m.design_labels.push_back(d.label);
  if (m.n_shocks > 0) {
    // Coordinate `shock`: each shock as the scenario states it.
    for (const auto& shock : s.shocks) m.shock_labels.push_back(shock.label);
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
            std::vector<std::int8_t> values(engine::flag_names(rc.flag_meanings).size());
            for (std::size_t v = 0; v < values.size(); ++v) values[v] = static_cast<std::int8_t>(v);
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
    m.varied_units.resize(m.sweep->keys.size());
    for (std::size_t j = 0; j < m.sweep->keys.size(); ++j) {
      // The key's natural unit where it is a registered parameter (a sweep may vary others).
      for (const auto& ref : refs) {
        if (ref.param && ref.param->key == m.sweep->keys[j]) m.varied_units[j] = ref.unit;
      }
      // A varied key that is also a sampled column (a fixed weight, agents.<id>.weight.<issue>)
      // has its value in that column already. A key of levels (words, arrays, tables) has no
      // column of numbers: its level at each point is in grid/, which the row's point indexes.
      if (m.sweep->has_levels(j) ||
          std::any_of(columns.begin(), columns.end(),
                      [&](const auto& col) { return col.key == m.sweep->keys[j]; })) {
        m.varied[j].width = 0;
        continue;
      }
      m.make(m.varied[j], m.sweep->keys[j], Impl::Across::run, c, nan,
             "varied key " + m.sweep->keys[j] + " at the row's point", m.varied_units[j]);
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
            if (m.varied[j].width) m.varied[j].pending.push_back(m.sweep->points[b.point][j]);
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
