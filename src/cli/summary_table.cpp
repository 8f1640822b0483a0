#include "cli/summary_table.hpp"

#include <cstdio>

namespace srlif::cli {

std::string summary_table(const SweepConfig& config, const SweepSummary& summary) {
  std::string out;
  char line[256];
  const Grid& grid = config.grid;
  if (summary.points <= kSummaryRows) {
    std::snprintf(line, sizeof line, "%9s %8s %8s %7s  %10s %10s %9s %9s %7s %9s\n", "sigma", "A", "I_bias",
                  "f", "rate_Hz", "rate_sd", "pooled_R", "mean_R", "sd_R", "valid");
    out += line;
    for (std::size_t index = 0; index < summary.metrics.size(); ++index) {
      const GridPoint point = grid.point(index);
      const PointMetrics& m = summary.metrics[index];
      std::snprintf(line, sizeof line, "%9.4g %8.4g %8.4g %7.4g  %10.4f %10.4f %9.4f %9.4f %7.4f %9.3f\n",
                    point.sigma, point.amplitude, point.bias, point.frequency, m.mean_rate_hz, m.rate_std_hz,
                    m.pooled_vector_strength, m.mean_vector_strength, m.std_vector_strength,
                    m.valid_fraction);
      out += line;
    }
  } else {
    std::snprintf(line, sizeof line, "%llu grid points (table omitted; see points.csv)\n",
                  static_cast<unsigned long long>(summary.points));
    out += line;
  }
  for (std::size_t shown = 0; shown < summary.optima.size(); ++shown) {
    const SliceOptimum& optimum = summary.optima[shown];
    if (optimum.found) {
      std::snprintf(line, sizeof line,
                    "sigma_opt[%s] = %.4g (refined %.4g) pA*sqrt(ms) at A = %g pA, I_bias = %g pA, "
                    "f = %g Hz: value %.4g\n",
                    objective_name(config.objective), optimum.sigma_opt, optimum.sigma_opt_refined,
                    grid.amplitude[optimum.amplitude_index], grid.bias[optimum.bias_index],
                    grid.frequency[optimum.frequency_index], summary.optimum_values[shown]);
    } else {
      std::snprintf(line, sizeof line,
                    "sigma_opt[%s] undefined at A = %g pA, I_bias = %g pA, f = %g Hz: the objective "
                    "is defined at no sigma\n",
                    objective_name(config.objective), grid.amplitude[optimum.amplitude_index],
                    grid.bias[optimum.bias_index], grid.frequency[optimum.frequency_index]);
    }
    out += line;
  }
  return out;
}

}  // namespace srlif::cli
