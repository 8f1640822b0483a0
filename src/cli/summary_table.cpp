#include "cli/summary_table.hpp"

#include <cstdio>

namespace srlif::cli {
namespace {

// "A = 20 pA, I_bias = 178 pA, f = 10 Hz" and ", tau_m = 20 ms" for each neuron axis that varies.
std::string slice_text(const Grid& grid, const SliceOptimum& optimum) {
  const GridPoint point = grid.point(optimum.slice * grid[Axis::sigma].size());
  char text[160];
  std::snprintf(text, sizeof text, "A = %g pA, I_bias = %g pA, f = %g Hz", point.amplitude(), point.bias(),
                point.frequency());
  std::string out = text;
  for (const Axis axis : grid.swept_axes()) {
    const AxisInfo& info = axis_info(axis);
    std::snprintf(text, sizeof text, ", %.*s = %g %.*s", static_cast<int>(info.name.size()), info.name.data(),
                  point[axis], static_cast<int>(info.unit.size()), info.unit.data());
    out += text;
  }
  return out;
}

}  // namespace

std::string axis_header_cells(const Grid& grid, int frequency_width) {
  char cell[64];
  std::snprintf(cell, sizeof cell, "%9s %8s %8s %*s", "sigma", "A", "I_bias", frequency_width, "f");
  std::string out = cell;
  for (const Axis axis : grid.swept_axes()) {
    const std::string_view name = axis_info(axis).name;
    std::snprintf(cell, sizeof cell, " %8.*s", static_cast<int>(name.size()), name.data());
    out += cell;
  }
  return out;
}

std::string axis_cells(const Grid& grid, const GridPoint& point, int frequency_width) {
  char cell[128];
  std::snprintf(cell, sizeof cell, "%9.4g %8.4g %8.4g %*.4g", point.sigma(), point.amplitude(), point.bias(),
                frequency_width, point.frequency());
  std::string out = cell;
  for (const Axis axis : grid.swept_axes()) {
    std::snprintf(cell, sizeof cell, " %8.4g", point[axis]);
    out += cell;
  }
  return out;
}

std::string summary_table(const SweepConfig& config, const SweepSummary& summary) {
  std::string out;
  char line[512];
  const Grid& grid = config.grid;
  if (summary.points <= kSummaryRows) {
    out += axis_header_cells(grid);
    std::snprintf(line, sizeof line, "  %10s %10s %9s %9s %7s %9s\n", "rate_Hz", "rate_sd", "pooled_R",
                  "mean_R", "sd_R", "valid");
    out += line;
    for (std::size_t index = 0; index < summary.metrics.size(); ++index) {
      const GridPoint point = grid.point(index);
      const PointMetrics& m = summary.metrics[index];
      out += axis_cells(grid, point);
      std::snprintf(line, sizeof line, "  %10.4f %10.4f %9.4f %9.4f %7.4f %9.3f\n", m.mean_rate_hz,
                    m.rate_std_hz, m.pooled_vector_strength, m.mean_vector_strength, m.std_vector_strength,
                    m.valid_fraction);
      out += line;
    }
  } else {
    std::snprintf(line, sizeof line, "%llu grid points (table omitted; see points.csv)\n",
                  static_cast<unsigned long long>(summary.points));
    out += line;
  }
  for (std::size_t shown = 0; shown < summary.optima.size(); ++shown)
    out += optimum_line(grid, config.objective, summary.optima[shown], summary.optimum_values[shown]);
  return out;
}

std::string optimum_line(const Grid& grid, Objective objective, const SliceOptimum& optimum, double value) {
  char line[512];
  if (optimum.found) {
    std::snprintf(line, sizeof line, "sigma_opt[%s] = %.4g (refined %.4g) pA*sqrt(ms) at %s: value %.4g\n",
                  objective_name(objective), optimum.sigma_opt, optimum.sigma_opt_refined,
                  slice_text(grid, optimum).c_str(), value);
  } else {
    std::snprintf(line, sizeof line, "sigma_opt[%s] undefined at %s: the objective is defined at no sigma\n",
                  objective_name(objective), slice_text(grid, optimum).c_str());
  }
  return line;
}

}  // namespace srlif::cli
