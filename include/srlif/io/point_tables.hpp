// points.csv and optimum.csv, whole or a row at a time, and the key of a
// grid point that every per-point file starts with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "srlif/measures/metrics.hpp"
#include "srlif/planning/grid.hpp"

namespace srlif {

// A column of an output table as the files, their reader and the Python package know it: name,
// unit ("" for a count or a statistic without one, "1" for a fraction) and whether it is a whole
// number.
struct ColumnInfo {
  std::string name;
  std::string unit;
  bool integer;
};

// The measure columns of points.csv, optimum.csv and population.csv, in order.
std::vector<ColumnInfo> metric_column_info();

// The key of a grid point in every per-point file (points.csv, population.csv
// and the readout files): "point" and the grid's column axes (Grid::column_axes).
std::vector<std::string> point_key_columns(const Grid& grid);
std::vector<std::string> point_key_fields(const Grid& grid, std::size_t index);

// The columns of points.csv after the point's key: neurons, then the measures.
std::vector<ColumnInfo> points_csv_value_columns();

// Column names of points.csv, in order: the point's key, then points_csv_value_columns.
std::vector<std::string> points_csv_columns(const Grid& grid);

// The fields of one points.csv row.
std::vector<std::string> points_csv_fields(const Grid& grid, std::uint64_t neurons, std::size_t index,
                                           const PointMetrics& metrics);

// Rows for grid points first_point, first_point + 1, ... (a shard's range); all of them by default.
std::string points_csv(const Grid& grid, std::uint64_t neurons, const std::vector<PointMetrics>& metrics,
                       std::uint64_t first_point = 0);
std::string optimum_csv(const Grid& grid, const std::vector<PointMetrics>& metrics,
                        const std::vector<SliceOptimum>& optima, Objective objective);

// The pieces of those files, for writing them a row at a time: the header
// lines, and one optimum row (`at_optimum`: the measures at optimum.point, or
// null when none was found).
std::string points_csv_header(const Grid& grid);
std::string optimum_csv_header(const Grid& grid);
std::string optimum_csv_row(const Grid& grid, const SliceOptimum& optimum, const PointMetrics* at_optimum,
                            Objective objective);

}  // namespace srlif
