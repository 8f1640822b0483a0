// The white-noise neuron in the units of the Fokker-Planck solvers (linear_response.cpp,
// periodic_response.cpp): x = (V - mu)/sigma_V, time in tau_m, so that dx = -x ds + dW and the
// neuron is its threshold, reset, refractory period and the signal's angular frequency alone.
#pragma once

#include <numbers>

#include "srlif/measures/theory.hpp"
#include "srlif/planning/neuron_params.hpp"

namespace srlif {

struct ReducedNeuron {
  double b = 0.0;      // threshold, (V_th - mu)/sigma_V
  double x_r = 0.0;    // reset, (V_reset - mu)/sigma_V
  double omega = 0.0;  // 2 pi f tau_m
  double dead = 0.0;   // t_ref / tau_m
};

// `point`: the stationary state siegert() gave for the neuron (its mu and sigma_V > 0).
inline ReducedNeuron reduced_neuron(const NeuronParams& neuron, const TheoryPoint& point,
                                    double frequency_hz) {
  return {(neuron.v_threshold - point.mu_mv) / point.sigma_v_mv,
          (neuron.v_reset - point.mu_mv) / point.sigma_v_mv,
          2.0 * std::numbers::pi * frequency_hz * neuron.tau_m / 1000.0, neuron.t_ref / neuron.tau_m};
}

}  // namespace srlif
