// The LIF neuron's parameters (DESIGN.md section 1) and the time grid.
// Units: mV, ms, pA, nS.
#pragma once

#include <cstdint>

namespace srlif {

struct NeuronParams {
  double v_threshold = -55.0;  // mV
  double v_reset = -75.0;      // mV
  double e_leak = -75.0;       // mV, leak reversal
  double v_init = -75.0;       // mV, v_0
  double tau_m = 10.0;         // ms
  double g_leak = 10.0;        // nS
  double t_ref = 2.0;          // ms, absolute refractory period
  // ms, the noise current's correlation time tau_s (coloured_noise.hpp); 0: white noise.
  double noise_tau = 0.0;
};

struct TimeGrid {
  double dt = 0.1;            // ms
  double duration = 10000.0;  // ms, measured
  // ms simulated before the measured duration and left out of every measure (`--warmup`): the
  // transient from V_init. 0: none (the measured samples are t_0 ... t_{K-1}).
  double warmup = 0.0;

  // K = ceil(duration / dt) samples t_k = k dt, k = 0..K-1; K-1 integration steps.
  // The tiny relative slack stops 10000/0.1 = 100000.00000000001 from becoming 100001.
  std::int64_t samples() const;
  std::int64_t steps() const { return samples() - 1; }
  // W, the warm-up's steps: warmup / dt rounded up to a whole number of Philox blocks (4 steps,
  // where a chunk may begin), with the same slack; the measured steps are then W ... W + K - 2.
  std::int64_t warmup_steps() const;
  // t_k in ms, as k / (1/dt) when 1/dt is a whole number so that 2251 * 0.1
  // prints as 225.1, not 225.10000000000002.
  double time_of(std::int64_t k) const;
  // n_ref = max(round(t_ref / dt), 0): samples held at V_reset, the spike sample included.
  static std::int64_t refractory_samples(double t_ref, double dt);
  // t_ref / dt, a ratio within 1e-9 of a whole number taken as that number (2 / 0.1 is 20): scheme
  // exact's reset off the grid holds a neuron for its whole part and then its fraction of a step.
  static double refractory_ratio(double t_ref, double dt);
};

// Bounds far outside any neuron's values (validate_parameter; a spread's every draw too): they
// keep every derived quantity finite in single precision, so that no input can make the step overflow.
inline constexpr double kMaxPotential = 1e4;  // mV, in magnitude (potentials)
inline constexpr double kMaxTime = 1e7;       // ms (tau_m, t_ref, tau_s)
// Currents beyond 1 uA (and noise beyond 1 uA*sqrt(ms)) are no neuron's: a bound that also keeps
// every step coefficient far inside single precision.
inline constexpr double kMaxCurrent = 1e6;  // pA (bias, amplitude; sigma in pA*sqrt(ms))

// Throws InputError naming the flag for any parameter outside its rule.
void validate(const NeuronParams& neuron, const TimeGrid& time);
// The neuron's rules alone (for `srlif theory`, which has no time grid).
void validate(const NeuronParams& neuron);

// The parts of those rules, for grids whose neuron parameters are axes:
// one parameter's own rules (finite, sign, magnitude; the flag named by kAxes);
// V_reset below V_th; the time grid's rules for a neuron with this tau_m and t_ref.
void validate_parameter(double NeuronParams::*parameter, double value);
void validate_reset_below_threshold(double v_reset, double v_threshold);
void validate(const TimeGrid& time, double tau_m, double t_ref);

}  // namespace srlif
