// The periodic state of the white-noise LIF neuron driven by A sin(2 pi f t), for any amplitude:
// the Fokker-Planck equation (absorbing threshold, reinjection at V_reset after t_ref) solved for
// its periodic steady state by harmonic balance -- the density as a Fourier series in time,
// finite volumes (Scharfetter-Gummel fluxes) in the membrane potential, one sparse linear system
// for all harmonics (Eigen's SparseLU) -- refined and Richardson-extrapolated in the voltage step.
// See docs/theory.md, "The periodic state".
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "srlif/planning/neuron_params.hpp"

namespace srlif {

struct PeriodicResponse {
  // r(t) = mean_rate + modulation sin(2 pi f t - phase) + higher harmonics, the population rate.
  double mean_rate_hz = 0.0;
  double modulation_hz = 0.0;  // amplitude of the rate's first harmonic
  double phase_rad = 0.0;      // its lag behind the signal, in (-pi, pi]
  double vector_strength =
      0.0;  // modulation / (2 mean rate): the pooled vector strength of an infinite population
  // The rate's Fourier coefficients r_n (Hz), n = 0..harmonics: r(t) = sum_n r_n e^{i n 2 pi f t}, r_{-n} =
  // conj(r_n).
  std::vector<std::complex<double>> rate_harmonics_hz;
  // The estimated relative error of the four numbers above (the refinement's last correction).
  double relative_error = 0.0;
  std::size_t cells = 0;  // of the finest grid
};

// The rate at `samples` phases 2 pi k/samples of one period (Hz), from the harmonics.
std::vector<double> rate_over_period(const PeriodicResponse& response, std::size_t samples);

// The coarse grid's step in reduced units (sigma_V) where the cells are uniform; the fine grid's is
// a third of it. 0.06 keeps the extrapolated results within 1e-4 (docs/theory.md, "refinement").
inline constexpr double kPeriodicCoarseStep = 0.06;

// The periodic state at bias `bias_pa`, noise `sigma`, signal amplitude `amplitude_pa` and
// frequency `frequency_hz` (> 0), for the white-noise neuron (noise_tau 0). sigma = 0 gives 0
// where the drive's peak stays below threshold and is refused otherwise (the noiseless neuron
// locks). A = 0 gives the Siegert rate. Throws InputError naming the flag for input it cannot
// answer, and where the grid it would need exceeds its budget. `coarse_step` is for refinement
// studies.
PeriodicResponse periodic_response(const NeuronParams& neuron, double bias_pa, double sigma,
                                   double amplitude_pa, double frequency_hz,
                                   double coarse_step = kPeriodicCoarseStep);

}  // namespace srlif
