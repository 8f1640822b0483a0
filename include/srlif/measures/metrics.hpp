// Grid-point measures (DESIGN.md section 2) from exact tallies, and sigma_opt.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "srlif/measures/spectrum.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/planning/grid.hpp"

namespace srlif {

struct PointMetrics {
  double mean_rate_hz;            // spikes / (neurons * duration), Hz per neuron
  double rate_std_hz;             // sample standard deviation of per-neuron rates, Hz
  double pooled_vector_strength;  // |sum e^{i phi}| / n over all spikes; NaN without spikes
  double preferred_phase_rad;     // arg sum e^{i phi} in [0, 2 pi); NaN without spikes
  double mean_vector_strength;    // mean of R_i over valid neurons; NaN if none valid
  double std_vector_strength;     // sample std of R_i over valid neurons; NaN if < 2 valid
  std::uint64_t valid_neurons;
  double valid_fraction;
  double rayleigh_z;  // n R^2 (pooled)
  double rayleigh_p;  // p-value of the Rayleigh test (Zar 1999, eq. 27.4)
  std::uint64_t total_spikes;
  // Rayleigh Z per second and neuron, mean rate x pooled R^2 (Hz): the height of
  // the spike-train power spectrum at f; 0 without spikes.
  double rayleigh_rate_hz;
  // From the PSTH when the run records spectra (else NaN), see spectrum.hpp.
  double spectral_amplitude_hz;
  double snr_db;
};

// A point's measures from its tallies; with `spectrum` (a run that records spectra) its spectral
// amplitude and SNR too, else those are NaN.
PointMetrics compute_metrics(const PointTally& tally, double duration_ms,
                             const SpectralReadout* spectrum = nullptr);

// The p-value of the Rayleigh test of uniformity for n angles with statistic Z = n R^2.
double rayleigh_p_value(double z, double n);

// sigma_opt of one slice (all sigma at fixed values of every other axis).
struct SliceOptimum {
  std::size_t slice;            // its points are slice * |sigma| ... + |sigma| - 1
  std::size_t eligible_points;  // sigma values where the objective is defined
  bool found;                   // false when no sigma is eligible
  std::size_t point;            // grid index of the optimum (when found)
  double sigma_opt;             // pA sqrt(ms)
  double sigma_opt_refined;     // vertex of the parabola through the peak and its neighbours
};

// What sigma_opt maximises.
enum class Objective {
  valid_vector_strength,  // "vs-valid": the study's rule, mean R over valid neurons among
                          // the sigma whose valid fraction >= 0.5
  snr,                    // "snr": snr_db of the pooled activity (needs recorded spectra)
  rayleigh_rate,          // "rayleigh-rate": rayleigh_rate_hz
};

// Every objective, in the order optimum files and the Python package list them.
constexpr Objective kObjectives[] = {Objective::valid_vector_strength, Objective::snr,
                                     Objective::rayleigh_rate};

// "vs-valid" | "snr" | "rayleigh-rate" -> Objective; throws InputError("--objective").
Objective parse_objective(const std::string& name);
const char* objective_name(Objective objective);
// The objective's value at a point, NaN where the point is not eligible.
double objective_value(Objective objective, const PointMetrics& metrics);

// Per slice, the sigma maximising the objective among eligible sigma (ties go
// to the smaller sigma), refined by a parabola through it and its neighbours.
std::vector<SliceOptimum> find_optima(const Grid& grid, const std::vector<PointMetrics>& metrics,
                                      Objective objective = Objective::valid_vector_strength);

// The same for one slice alone (the grid's points slice * |sigma| ... +
// |sigma| - 1, whose measures are `slice_metrics` in sigma-axis order), so that
// a sweep's files can be written while its points arrive; `by_sigma` is sigma_order(grid).
std::vector<std::size_t> sigma_order(const Grid& grid);
SliceOptimum slice_optimum(const Grid& grid, std::size_t slice, std::span<const PointMetrics> slice_metrics,
                           Objective objective, const std::vector<std::size_t>& by_sigma);

// Vertex of the parabola through three points (x sorted); falls back to x1
// when the parabola is not concave. Clamped to [x0, x2].
double parabola_peak(double x0, double y0, double x1, double y1, double x2, double y2);

}  // namespace srlif
