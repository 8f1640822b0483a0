#include "srlif/io/point_tables.hpp"

#include <iterator>
#include <utility>

#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {

namespace {

// The measure columns of points.csv and optimum.csv, in order: each one's name, unit ("" for a
// count or a statistic without one, "1" for a fraction), whether it is a whole number, and its field.
struct MetricColumn {
  const char* name;
  const char* unit;
  bool integer;
  std::string (*field)(const PointMetrics&);
};
constexpr MetricColumn kMetricColumns[] = {
    {"mean_rate_hz", "Hz", false, [](const PointMetrics& m) { return format_number(m.mean_rate_hz); }},
    {"rate_std_hz", "Hz", false, [](const PointMetrics& m) { return format_number(m.rate_std_hz); }},
    {"pooled_vector_strength", "1", false,
     [](const PointMetrics& m) { return format_number(m.pooled_vector_strength); }},
    {"preferred_phase_rad", "rad", false,
     [](const PointMetrics& m) { return format_number(m.preferred_phase_rad); }},
    {"mean_vector_strength", "1", false,
     [](const PointMetrics& m) { return format_number(m.mean_vector_strength); }},
    {"std_vector_strength", "1", false,
     [](const PointMetrics& m) { return format_number(m.std_vector_strength); }},
    {"valid_neurons", "", true, [](const PointMetrics& m) { return std::to_string(m.valid_neurons); }},
    {"valid_fraction", "1", false, [](const PointMetrics& m) { return format_number(m.valid_fraction); }},
    {"rayleigh_z", "", false, [](const PointMetrics& m) { return format_number(m.rayleigh_z); }},
    {"rayleigh_p", "", false, [](const PointMetrics& m) { return format_number(m.rayleigh_p); }},
    {"total_spikes", "", true, [](const PointMetrics& m) { return std::to_string(m.total_spikes); }},
    {"rayleigh_rate_hz", "Hz", false,
     [](const PointMetrics& m) { return format_number(m.rayleigh_rate_hz); }},
    {"spectral_amplitude_hz", "Hz", false,
     [](const PointMetrics& m) { return format_number(m.spectral_amplitude_hz); }},
    {"snr_db", "dB", false, [](const PointMetrics& m) { return format_number(m.snr_db); }},
};

}  // namespace

std::vector<ColumnInfo> metric_column_info() {
  std::vector<ColumnInfo> columns;
  for (const MetricColumn& column : kMetricColumns)
    columns.push_back({column.name, column.unit, column.integer});
  return columns;
}

namespace {

std::vector<std::string> metric_columns() {
  std::vector<std::string> names;
  for (const MetricColumn& column : kMetricColumns) names.emplace_back(column.name);
  return names;
}

std::vector<std::string> metric_fields(const PointMetrics& metrics) {
  std::vector<std::string> fields;
  for (const MetricColumn& column : kMetricColumns) fields.push_back(column.field(metrics));
  return fields;
}

std::vector<std::string> axis_columns(const std::vector<Axis>& axes) {
  std::vector<std::string> names;
  for (const Axis axis : axes) names.emplace_back(axis_info(axis).name);
  return names;
}

std::vector<std::string> axis_fields(const GridPoint& point, const std::vector<Axis>& axes) {
  std::vector<std::string> fields;
  for (const Axis axis : axes) fields.push_back(format_number(point[axis]));
  return fields;
}

// The axes of an optimum.csv row: the columns but sigma, over which the slice runs.
std::vector<Axis> slice_axes(const Grid& grid) {
  std::vector<Axis> axes = grid.column_axes();
  axes.erase(axes.begin());
  return axes;
}

}  // namespace

std::vector<std::string> point_key_columns(const Grid& grid) {
  std::vector<std::string> names = {"point"};
  for (std::string& name : axis_columns(grid.column_axes())) names.push_back(std::move(name));
  return names;
}

std::vector<std::string> point_key_fields(const Grid& grid, std::size_t index) {
  std::vector<std::string> fields = {std::to_string(index)};
  for (std::string& field : axis_fields(grid.point(index), grid.column_axes()))
    fields.push_back(std::move(field));
  return fields;
}

std::vector<ColumnInfo> points_csv_value_columns() {
  std::vector<ColumnInfo> columns = {{"neurons", "", true}};
  for (ColumnInfo& column : metric_column_info()) columns.push_back(std::move(column));
  return columns;
}

std::vector<std::string> points_csv_columns(const Grid& grid) {
  std::vector<std::string> names = point_key_columns(grid);
  for (const ColumnInfo& column : points_csv_value_columns()) names.push_back(column.name);
  return names;
}

std::vector<std::string> points_csv_fields(const Grid& grid, std::uint64_t neurons, std::size_t index,
                                           const PointMetrics& metrics) {
  std::vector<std::string> fields = point_key_fields(grid, index);
  fields.push_back(std::to_string(neurons));
  const std::vector<std::string> values = metric_fields(metrics);
  fields.insert(fields.end(), values.begin(), values.end());
  return fields;
}

std::string points_csv(const Grid& grid, std::uint64_t neurons, const std::vector<PointMetrics>& metrics,
                       std::uint64_t first_point) {
  std::string out = points_csv_header(grid);
  out.reserve(out.size() + metrics.size() * 200);
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    out += csv_line(points_csv_fields(grid, neurons, first_point + i, metrics[i]));
  }
  return out;
}

std::string points_csv_header(const Grid& grid) { return csv_line(points_csv_columns(grid)); }

std::string optimum_csv_header(const Grid& grid) {
  std::vector<std::string> header = {"objective"};
  for (std::string& name : axis_columns(slice_axes(grid))) header.push_back(std::move(name));
  for (const char* name : {"eligible_points", "sigma_opt", "sigma_opt_refined", "point"})
    header.emplace_back(name);
  for (std::string& name : metric_columns()) header.push_back(std::move(name));
  return csv_line(header);
}

std::string optimum_csv_row(const Grid& grid, const SliceOptimum& optimum, const PointMetrics* at_optimum,
                            Objective objective) {
  std::vector<std::string> fields = {objective_name(objective)};
  const GridPoint first = grid.point(optimum.slice * grid[Axis::sigma].size());
  for (std::string& field : axis_fields(first, slice_axes(grid))) fields.push_back(std::move(field));
  fields.push_back(std::to_string(optimum.eligible_points));
  fields.push_back(format_number(optimum.sigma_opt));
  fields.push_back(format_number(optimum.sigma_opt_refined));
  if (optimum.found) {
    fields.push_back(std::to_string(optimum.point));
    const std::vector<std::string> values = metric_fields(*at_optimum);
    fields.insert(fields.end(), values.begin(), values.end());
  } else {
    // No eligible point: every cell says so alike (nan), none is left empty.
    fields.push_back("nan");
    for (std::size_t i = 0; i < std::size(kMetricColumns); ++i) fields.push_back("nan");
  }
  return csv_line(fields);
}

std::string optimum_csv(const Grid& grid, const std::vector<PointMetrics>& metrics,
                        const std::vector<SliceOptimum>& optima, Objective objective) {
  std::string out = optimum_csv_header(grid);
  for (const SliceOptimum& optimum : optima) {
    out += optimum_csv_row(grid, optimum, optimum.found ? &metrics[optimum.point] : nullptr, objective);
  }
  return out;
}

}  // namespace srlif
