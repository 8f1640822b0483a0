#include "srlif/io/output_reader.hpp"

#include <unistd.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>

#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/planning/axes.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace srlif {
namespace {

// run.json holds a command line and, for a merge, its shard folders: far below this.
constexpr std::uint64_t kRunJsonBytes = std::uint64_t{256} << 20;

// A population's tables hold what the run held in memory: at most a quarter of this machine's.
std::uint64_t table_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return std::uint64_t{4} << 30;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size) / 4;
}

FolderAxes grid_axes(const Grid& grid) {
  FolderAxes axes;
  for (const Axis axis : grid.column_axes()) axes.emplace_back(axis_info(axis).name, grid[axis]);
  return axes;
}

// A field of a table as its column declares it: a whole number, or a real one as format_number
// writes it (the shortest decimal, or nan, inf, -inf).
std::optional<double> table_real(std::string_view text) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  return read_real(text);
}

// FOLDER/<table.file>: the header the writer writes (the point's key, point_key_columns, then the
// table's own columns); then its rows.
PopulationFolder::Table read_table(const std::filesystem::path& folder, const PopulationTable& table,
                                   const Grid& grid) {
  const std::filesystem::path path = folder / table.file;
  const std::string where = path.string();
  const std::string text = read_bounded_file(path, table_bytes());
  std::vector<std::string> names = point_key_columns(grid);
  const std::size_t key_columns = names.size();
  for (const ColumnInfo& column : table.columns) names.push_back(column.name);
  const std::string header = csv_line(names);  // with its '\n'
  if (!std::string_view(text).starts_with(header)) {
    throw InputError(where, "malformed: its header is not '" + header.substr(0, header.size() - 1) +
                                "' (a srlif population table of this folder's axes)");
  }
  if (text.back() != '\n') throw InputError(where, "malformed: its last line has no end");

  PopulationFolder::Table out;
  for (const ColumnInfo& column : table.columns) out.columns.push_back(TableColumn{column, {}, {}});
  std::string_view rest = std::string_view(text).substr(header.size());
  for (std::uint64_t row = 1; !rest.empty(); ++row) {
    const std::size_t end = rest.find('\n');
    const std::vector<std::string_view> fields = csv_fields(rest.substr(0, end));
    rest.remove_prefix(end + 1);
    const std::string at = "malformed: row " + std::to_string(row);
    if (fields.size() != names.size()) {
      throw InputError(where, at + " has " + std::to_string(fields.size()) + " fields, not " +
                                  std::to_string(names.size()));
    }
    const auto bad = [&](std::size_t index, const char* kind) {
      return InputError(
          where, at + ", column '" + names[index] + "': '" + std::string(fields[index]) + "' is not " + kind);
    };
    const std::optional<std::int64_t> point = read_whole(fields[0]);
    if (!point || *point < 0) throw bad(0, "a grid point");
    out.point.push_back(*point);
    for (std::size_t index = 1; index < key_columns; ++index) {
      if (!table_real(fields[index])) throw bad(index, "a number");
    }
    for (std::size_t c = 0; c < out.columns.size(); ++c) {
      TableColumn& column = out.columns[c];
      const std::size_t index = key_columns + c;
      if (column.info.integer) {
        const std::optional<std::int64_t> value = read_whole(fields[index]);
        if (!value) throw bad(index, "a whole number");
        column.wholes.push_back(*value);
      } else {
        const std::optional<double> value = table_real(fields[index]);
        if (!value) throw bad(index, "a number");
        column.reals.push_back(*value);
      }
    }
  }
  return out;
}

// The grid of run.json's "axes" (the files' column axes; the others at their defaults).
Grid run_json_grid(const std::string& text, const std::string& where) {
  const nlohmann::json record = nlohmann::json::parse(text, nullptr, false);
  if (record.is_discarded() || !record.is_object()) throw InputError(where, "malformed: not a JSON object");
  const auto axes = record.find("axes");
  if (axes == record.end() || !axes->is_object() || axes->empty())
    throw InputError(where, "malformed: no \"axes\" object of the run's dimensions");
  Grid grid;
  std::size_t found = 0;
  for (const AxisInfo& info : kAxes) {
    const std::string name(info.name);
    const auto values = axes->find(name);
    if (values == axes->end()) continue;
    ++found;
    const std::string what = "malformed: \"axes\".\"" + name + "\"";
    if (!values->is_array() || values->empty()) throw InputError(where, what + " is not a list of values");
    std::vector<double>& numbers = grid[info.axis];
    numbers.clear();
    for (const nlohmann::json& value : *values) {
      if (!value.is_number()) throw InputError(where, what + " holds " + value.dump() + ", not a number");
      numbers.push_back(value.get<double>());
    }
  }
  if (found != axes->size()) throw InputError(where, "malformed: \"axes\" names an axis srlif does not have");
  for (const Axis axis : grid.column_axes()) {
    if (grid[axis].empty())
      throw InputError(where, "malformed: \"axes\" lacks \"" + std::string(axis_info(axis).name) + "\"");
  }
  return grid;
}

}  // namespace

SweepFolder read_sweep_folder(const std::filesystem::path& folder) {
  const std::filesystem::path path = folder / "tallies.csv";
  const TallyFile file = read_tally_file(path);
  const SweepConfig config = parse_result_config_text(file.config_text, path.string());
  const Grid& grid = config.grid;
  const std::size_t points = grid.size();

  SweepFolder out;
  out.config_text = file.config_text;
  out.objective = config.objective;
  out.shard = file.shard;
  out.axes = grid_axes(grid);
  out.computed.assign(points, 0);
  out.tallies.assign(points, PointTally{});
  std::vector<PointMetrics> metrics(points);  // of the computed points; the rest unused
  for (std::size_t i = 0; i < file.points.size(); ++i) {
    const std::uint64_t point = file.points[i];
    metrics[point] = compute_metrics(file.tallies[i], config.time.duration,
                                     file.spectra.empty() ? nullptr : &file.spectra[i]);
    out.computed[point] = 1;
    out.tallies[point] = file.tallies[i];
  }

  // points.csv's columns, by name, through the writer's own fields: the same numbers.
  const std::vector<std::string> names = points_csv_columns(grid);
  std::vector<std::vector<double>> values(names.size(), std::vector<double>(points, kNaN));
  for (std::size_t point = 0; point < points; ++point) {
    if (out.computed[point] == 0) continue;
    const std::vector<std::string> fields = points_csv_fields(grid, config.neurons, point, metrics[point]);
    for (std::size_t c = 0; c < names.size(); ++c) values[c][point] = table_real(fields[c]).value();
  }
  // "point", then the columns after the key (the axes are out.axes).
  out.columns.emplace_back(ColumnInfo{"point", "", true}, std::move(values[0]));
  std::size_t c = point_key_columns(grid).size();  // the first column after the key
  for (ColumnInfo& info : points_csv_value_columns())
    out.columns.emplace_back(std::move(info), std::move(values[c++]));

  const bool whole = file.points.size() == points;
  const std::size_t slices = grid.slice_count();
  for (const Objective objective : kObjectives) {
    SliceOptima optima{objective, std::vector<double>(slices, kNaN), std::vector<double>(slices, kNaN),
                       std::vector<std::int64_t>(slices, -1), std::vector<std::int64_t>(slices, 0)};
    if (whole) {
      const std::vector<SliceOptimum> found = find_optima(grid, metrics, objective);
      for (std::size_t s = 0; s < slices; ++s) {
        optima.eligible_points[s] = static_cast<std::int64_t>(found[s].eligible_points);
        if (!found[s].found) continue;
        optima.sigma_opt[s] = found[s].sigma_opt;
        optima.sigma_opt_refined[s] = found[s].sigma_opt_refined;
        optima.point[s] = static_cast<std::int64_t>(found[s].point);
      }
    }
    out.optima.push_back(std::move(optima));
  }
  return out;
}

PopulationFolder read_population_folder(const std::filesystem::path& folder) {
  const std::filesystem::path run_json_path = folder / "run.json";
  PopulationFolder out;
  out.run_json = read_bounded_file(run_json_path, kRunJsonBytes);
  const Grid grid = run_json_grid(out.run_json, run_json_path.string());
  out.axes = grid_axes(grid);
  const PopulationTables& tables = population_tables();
  out.summary = read_table(folder, tables.summary, grid);
  out.phase_histogram = read_table(folder, tables.phase_histogram, grid);
  out.psth = read_table(folder, tables.psth, grid);
  out.has_raster = std::filesystem::exists(folder / tables.raster.file);
  if (out.has_raster) out.raster = read_table(folder, tables.raster, grid);
  return out;
}

OutputKind output_kind(const std::filesystem::path& folder) {
  // exists(), not is_regular_file(): a tallies.csv that is not a file is refused for what it is.
  if (std::filesystem::exists(folder / "tallies.csv")) return OutputKind::sweep;
  if (std::filesystem::exists(folder / population_tables().summary.file)) return OutputKind::population;
  throw InputError("path",
                   "'" + folder.string() +
                       "' holds no srlif output (a sweep's tallies.csv or a population's population.csv)");
}

}  // namespace srlif
