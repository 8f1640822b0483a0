// Scheme `euler` (Euler-Maruyama, the reference study's scheme), DESIGN.md section 1:
//   v' = v_k + (dt/tau_m) (E_L - v_k + I_k/g_L),  I_k = I_bias + A sin(2 pi f t_k) + sigma z_k / sqrt(dt)
// rewritten as v' = (decay v_k + drive_k) + noise_gain z_k with
//   decay = 1 - dt/tau_m,  drive_k = dt/tau_m (E_L + (I_bias + A sin_k)/g_L),
//   noise_gain = dt/tau_m * sigma / (g_L sqrt(dt))   [mV per unit normal].
// The coefficients are computed once in double on the host and rounded to float;
// this code is the single implementation both backends run.
#pragma once

#include <cstdint>

#include "srlif/host_device.hpp"

namespace srlif {

// Constants of one sweep, the same for every grid point (float, mV / samples).
struct StepConstants {
  float decay;              // 1 - dt/tau_m
  float v_threshold;        // mV
  float v_reset;            // mV
  float v_init;             // mV
  std::int32_t hold_steps;  // max(n_ref - 1, 0): refractory steps after the spike sample
};

// Coefficients of one grid point (float, mV per step).
struct PointCoefficients {
  float drive_base;               // dt/tau_m (E_L + I_bias/g_L)
  float drive_amplitude;          // dt/tau_m A/g_L, multiplies sin(2 pi f t_k)
  float noise_gain;               // dt/tau_m sigma/(g_L sqrt(dt))
  std::uint32_t frequency_index;  // which drive/phase table
  std::uint32_t stream_tag;       // high 32 bits of each neuron's stream id (0 = common noise)
};

struct NeuronState {
  float v;                  // mV
  std::int32_t refractory;  // steps still held at V_reset
};

// The deterministic part of the input for step k, shared by all neurons of a point.
SRLIF_HD float step_drive(const PointCoefficients& point, float sin_k) {
  return point.drive_base + point.drive_amplitude * sin_k;
}

// Advance neurons from sample k to k+1; the result is true (non-zero) where a
// neuron spikes at t_{k+1}. While refractory the normal z_k was drawn by the
// caller but is not used. Written once for one neuron (Real = float, Count =
// int32: a GPU thread, the trace, the references) and for a vector of CPU
// lanes (GCC vector types, whose comparisons give lane masks): bitwise logic
// and selects, no control flow, the same IEEE operations in the same order.
template <typename Real, typename Count>
SRLIF_HD auto euler_step_lanes(Real& v, Count& refractory, const StepConstants& constants, float drive,
                               Real noise) {
  const Real v_free = (constants.decay * v + drive) + noise;
  const auto held = refractory > 0;
  const auto spike = (refractory <= 0) & (v < constants.v_threshold) & (v_free >= constants.v_threshold);
  v = (held | spike) ? constants.v_reset : v_free;
  refractory = held ? refractory - 1 : (spike ? constants.hold_steps : 0);
  return spike;
}

// One neuron from sample k to k+1; returns true when it spikes at t_{k+1}.
SRLIF_HD bool euler_step(NeuronState& state, const StepConstants& constants, float drive, float noise) {
  return euler_step_lanes(state.v, state.refractory, constants, drive, noise) != 0;
}

}  // namespace srlif
