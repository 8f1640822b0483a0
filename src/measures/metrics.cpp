#include "srlif/measures/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <span>

#include "srlif/errors.hpp"

namespace srlif {

double rayleigh_p_value(double z, double n) {
  if (!(n > 0.0)) return kNaN;
  // Zar, Biostatistical Analysis (4th ed. 1999), eq. 27.4 (after Greenwood and
  // Durand 1955): p = exp(sqrt(1 + 4n + 4(n^2 - R_n^2)) - (1 + 2n)), R_n = n R,
  // accurate for small n and large z where the series in z alone goes negative.
  const double resultant_sq = z * n;  // R_n^2 = n^2 R^2 = n Z
  const double p = std::exp(std::sqrt(1.0 + 4.0 * n + 4.0 * (n * n - resultant_sq)) - (1.0 + 2.0 * n));
  return std::clamp(p, 0.0, 1.0);
}

PointMetrics compute_metrics(const PointTally& tally, double duration_ms, const SpectralReadout* spectrum) {
  PointMetrics metrics{};
  metrics.spectral_amplitude_hz = spectrum != nullptr ? spectrum->amplitude_hz : kNaN;
  metrics.snr_db = spectrum != nullptr ? spectrum->snr_db : kNaN;
  const double seconds = duration_ms / 1000.0;
  const auto neurons = static_cast<double>(tally.neurons);
  const auto spikes = static_cast<double>(tally.spikes);
  metrics.total_spikes = tally.spikes;
  metrics.mean_rate_hz = spikes / neurons / seconds;
  if (tally.neurons > 1) {
    // N sum n^2 - (sum n)^2 is exact in 128-bit integers.
    const unsigned __int128 n = tally.neurons;
    const unsigned __int128 scatter = n * static_cast<unsigned __int128>(tally.spikes_squared) -
                                      static_cast<unsigned __int128>(tally.spikes) * tally.spikes;
    metrics.rate_std_hz = std::sqrt(static_cast<double>(scatter) / (neurons * (neurons - 1.0))) / seconds;
  } else {
    metrics.rate_std_hz = kNaN;
  }
  if (tally.spikes > 0) {
    const double c = static_cast<double>(tally.cos_sum) / kPhaseScale;
    const double s = static_cast<double>(tally.sin_sum) / kPhaseScale;
    metrics.pooled_vector_strength = std::min(1.0, std::hypot(c, s) / spikes);
    double phase = std::atan2(s, c);
    if (phase < 0.0) phase += 2.0 * std::numbers::pi;
    metrics.preferred_phase_rad = phase;
    metrics.rayleigh_z = spikes * metrics.pooled_vector_strength * metrics.pooled_vector_strength;
    metrics.rayleigh_p = rayleigh_p_value(metrics.rayleigh_z, spikes);
    metrics.rayleigh_rate_hz =
        metrics.mean_rate_hz * metrics.pooled_vector_strength * metrics.pooled_vector_strength;
  } else {
    metrics.pooled_vector_strength = kNaN;
    metrics.preferred_phase_rad = kNaN;
    metrics.rayleigh_z = kNaN;
    metrics.rayleigh_p = kNaN;
  }
  metrics.valid_neurons = tally.valid_neurons;
  metrics.valid_fraction = static_cast<double>(tally.valid_neurons) / neurons;
  if (tally.valid_neurons > 0) {
    const auto valid = static_cast<double>(tally.valid_neurons);
    const double sum = static_cast<double>(tally.strength_sum) / kStrengthScale;
    const double sum_sq = static_cast<double>(tally.strength_squared_sum) / kStrengthScale;
    metrics.mean_vector_strength = sum / valid;
    metrics.std_vector_strength = tally.valid_neurons > 1
                                      ? std::sqrt(std::max(0.0, (sum_sq - sum * sum / valid) / (valid - 1.0)))
                                      : kNaN;
  } else {
    metrics.mean_vector_strength = kNaN;
    metrics.std_vector_strength = kNaN;
  }
  return metrics;
}

double parabola_peak(double x0, double y0, double x1, double y1, double x2, double y2) {
  // Second divided difference < 0 <=> concave.
  const double slope01 = (y1 - y0) / (x1 - x0);
  const double slope12 = (y2 - y1) / (x2 - x1);
  const double curvature = (slope12 - slope01) / (x2 - x0);
  if (!(curvature < 0.0) || !std::isfinite(curvature)) return x1;
  // p(x) = y0 + slope01 (x - x0) + curvature (x - x0)(x - x1); p'(x) = 0.
  const double vertex = 0.5 * (x0 + x1) - slope01 / (2.0 * curvature);
  return std::clamp(vertex, x0, x2);
}

Objective parse_objective(const std::string& name) {
  std::string names;
  for (const Objective objective : kObjectives) {
    if (name == objective_name(objective)) return objective;
    names += std::string(names.empty() ? "" : ", ") + objective_name(objective);
  }
  throw InputError("--objective", "must be one of " + names + " (got '" + name + "')");
}

const char* objective_name(Objective objective) {
  switch (objective) {
    case Objective::snr:
      return "snr";
    case Objective::rayleigh_rate:
      return "rayleigh-rate";
    case Objective::valid_vector_strength:
      break;
  }
  return "vs-valid";
}

double objective_value(Objective objective, const PointMetrics& metrics) {
  double value = kNaN;
  switch (objective) {
    case Objective::valid_vector_strength:
      value = metrics.valid_fraction >= 0.5 ? metrics.mean_vector_strength : kNaN;
      break;
    case Objective::snr:
      value = metrics.snr_db;
      break;
    case Objective::rayleigh_rate:
      value = metrics.rayleigh_rate_hz;
      break;
  }
  return std::isfinite(value) ? value : kNaN;
}

std::vector<std::size_t> sigma_order(const Grid& grid) {
  const std::vector<double>& sigma = grid[Axis::sigma];
  std::vector<std::size_t> by_sigma(sigma.size());
  std::iota(by_sigma.begin(), by_sigma.end(), 0);
  std::stable_sort(by_sigma.begin(), by_sigma.end(),
                   [&](std::size_t a, std::size_t b) { return sigma[a] < sigma[b]; });
  return by_sigma;
}

SliceOptimum slice_optimum(const Grid& grid, std::size_t slice, std::span<const PointMetrics> slice_metrics,
                           Objective objective, const std::vector<std::size_t>& by_sigma) {
  const std::vector<double>& sigma = grid[Axis::sigma];
  SliceOptimum optimum{};
  optimum.slice = slice;
  optimum.sigma_opt = kNaN;
  optimum.sigma_opt_refined = kNaN;
  const std::size_t base = slice * sigma.size();
  const auto value = [&](std::size_t rank) {
    return objective_value(objective, slice_metrics[by_sigma[rank]]);
  };
  std::size_t best_rank = 0;
  for (std::size_t rank = 0; rank < by_sigma.size(); ++rank) {
    if (std::isnan(value(rank))) continue;
    ++optimum.eligible_points;
    if (!optimum.found || value(rank) > value(best_rank)) {
      optimum.found = true;
      best_rank = rank;
    }
  }
  if (!optimum.found) return optimum;
  optimum.point = base + by_sigma[best_rank];
  optimum.sigma_opt = sigma[by_sigma[best_rank]];
  optimum.sigma_opt_refined = optimum.sigma_opt;
  // Only eligible neighbours: at the edge of the eligible range the optimum
  // is the edge itself, not an extrapolation beyond it.
  if (best_rank > 0 && best_rank + 1 < by_sigma.size() && !std::isnan(value(best_rank - 1)) &&
      !std::isnan(value(best_rank + 1))) {
    const double lower = sigma[by_sigma[best_rank - 1]];
    const double upper = sigma[by_sigma[best_rank + 1]];
    if (lower < optimum.sigma_opt && optimum.sigma_opt < upper) {
      optimum.sigma_opt_refined = parabola_peak(lower, value(best_rank - 1), optimum.sigma_opt,
                                                value(best_rank), upper, value(best_rank + 1));
    }
  }
  return optimum;
}

std::vector<SliceOptimum> find_optima(const Grid& grid, const std::vector<PointMetrics>& metrics,
                                      Objective objective) {
  const std::vector<std::size_t> by_sigma = sigma_order(grid);
  std::vector<SliceOptimum> optima;
  optima.reserve(grid.slice_count());
  for (std::size_t slice = 0; slice < grid.slice_count(); ++slice) {
    const std::size_t per_slice = grid[Axis::sigma].size();
    const std::span<const PointMetrics> slice_metrics(metrics.data() + slice * per_slice, per_slice);
    optima.push_back(slice_optimum(grid, slice, slice_metrics, objective, by_sigma));
  }
  return optima;
}

}  // namespace srlif
