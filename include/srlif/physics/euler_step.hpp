// The neuron step, DESIGN.md section 1. Both schemes advance the free membrane as
//   v' = (decay v_k + drive_k) + noise_gain z_k
// and differ in the coefficients (computed once in double on the host, rounded
// to float; see make_plan):
// - `euler` (Euler-Maruyama, the reference study's scheme):
//     v' = v_k + (dt/tau_m) (E_L - v_k + I_k/g_L),  I_k = I_bias + A sin(2 pi f t_k) + sigma z_k / sqrt(dt)
//   decay = 1 - dt/tau_m,  drive_k = dt/tau_m (E_L + (I_bias + A sin_k)/g_L),
//   noise_gain = dt/tau_m * sigma / (g_L sqrt(dt))   [mV per unit normal];
// - `exact` (exact_step.hpp): the Ornstein-Uhlenbeck solution over the step.
// This code is the single implementation both backends run.
#pragma once

#include <cstdint>
#include <type_traits>

#include "srlif/physics/coloured_noise.hpp"
#include "srlif/physics/host_device.hpp"

namespace srlif {

// The neuron's constants at one grid point (float, mV / samples): the same for
// every point of a sweep unless a neuron parameter is an axis.
struct StepConstants {
  float decay;        // euler: 1 - dt/tau_m; exact: exp(-dt/tau_m)
  float v_threshold;  // mV
  float v_reset;      // mV
  float v_init;       // mV
  // euler: max(n_ref - 1, 0), the refractory steps after the spike sample; exact:
  // floor(t_ref/dt), the most whole steps a neuron is held after the step it spiked in.
  std::int32_t hold_steps;
  // Scheme exact only (zero for euler), for the reset off the grid (exact_step.hpp):
  float step_rate;     // dt/tau_m
  float inverse_rate;  // tau_m/dt
  float relaxed;       // 1 - e^{-dt/tau_m}
  float ref_fraction;  // t_ref/dt - floor(t_ref/dt)

  bool operator==(const StepConstants&) const = default;
};

// Coefficients of one grid point (float, mV per step).
struct PointCoefficients {
  StepConstants constants;
  float drive_base;           // euler: dt/tau_m (E_L + I_bias/g_L)
  float drive_amplitude;      // euler: dt/tau_m A/g_L, multiplies the drive table sin(2 pi f t_k)
  float noise_gain;           // euler: dt/tau_m sigma/(g_L sqrt(dt)); exact: the step's noise sd
  std::uint32_t drive_table;  // which drive/phase table (SweepPlan::drive_tables)
  std::uint32_t stream_tag;   // high 32 bits of each neuron's stream id (0 = common noise)
  // Scheme exact only (zero for euler): h = s^2 e^{dt/tau} / 2 (mV^2, half
  // the bridge's effective variance) and the bound 17 h on
  // (V_th - v_k)(V_th - v') below which the bridge crossing probability
  // exp(-(V_th - v_k)(V_th - v') / h) can matter (exact_step.hpp).
  float bridge_half_variance;
  float bridge_limit;
  // Scheme exact with a tau_m spread only (zero otherwise): a neuron's drive phase arg c(tau_m)
  // differs by delta from its table's (made for the point's tau_m); drive_amplitude then holds
  // |c| A/g_L cos(delta) and this |c| A/g_L sin(delta), the weight of the table's
  // cos(2 pi f t_k + phase) (ChunkTables::drive_cos): the neuron's own sinusoid, exactly.
  float drive_quadrature;
  // Coloured noise (SweepPlan::coloured_noise) only, zero otherwise: the noise
  // current's step and its weights in the membrane's (coloured_noise.hpp). Then
  // noise_gain is the membrane's weight of z1 beside the current's: 0 for euler.
  ColouredNoise coloured;
};

struct NeuronState {
  float v;                  // mV
  std::int32_t refractory;  // steps still held at V_reset
  // Scheme exact: the fraction of the next free step for which the neuron is still held
  // (its release at t_spike + t_ref falls inside that step); 0: none.
  float release = 0.0f;
};

// The deterministic part of the input for step k, shared by all neurons of a point.
SRLIF_HD float step_drive(const PointCoefficients& point, float sin_k) {
  return point.drive_base + point.drive_amplitude * sin_k;
}

// Not `mask`: `!` for one neuron's bool, `~` for a vector of lane masks (all
// bits set or none), where the compiler folds it into an and-not.
template <typename Mask>
SRLIF_HD Mask mask_not(Mask mask) {
  if constexpr (std::is_same_v<Mask, bool>) {
    return !mask;
  } else {
    return ~mask;
  }
}

// The end of a step once the free potential and the spike are known: spiking
// and refractory neurons sit at V_reset, the others take v'. `Constants` is a
// StepConstants, or the CPU's per-lane vectors of its members (a heterogeneous
// population, cpu_backend.cpp), in which every lane has its own.
template <typename Real, typename Count, typename HeldMask, typename SpikeMask, typename Constants>
SRLIF_HD void settle_step(Real& v, Count& refractory, Real v_free, HeldMask held, SpikeMask spike,
                          const Constants& constants) {
  v = (held | spike) ? constants.v_reset : v_free;
  refractory = held ? refractory - 1 : (spike ? constants.hold_steps : 0);
}

// Advance neurons from sample k to k+1; the result is true (non-zero) where a
// neuron spikes at t_{k+1}. While refractory the normal z_k was drawn by the
// caller but is not used. Written once for one neuron (Real = float, Count =
// int32: a GPU thread, the trace, the references) and for a vector of CPU
// lanes (GCC vector types, whose comparisons give lane masks): bitwise logic
// and selects, no control flow, the same IEEE operations in the same order.
// The constants and the drive are one neuron's (or shared by the lanes), or
// vectors of each lane's own (settle_step).
template <typename Real, typename Count, typename Constants, typename Drive>
SRLIF_HD auto euler_step_lanes(Real& v, Count& refractory, const Constants& constants, Drive drive,
                               Real noise) {
  const Real v_free = (constants.decay * v + drive) + noise;
  const auto held = refractory > 0;
  // Not held: refractory <= 0.
  const auto spike = mask_not(held) & (v < constants.v_threshold) & (v_free >= constants.v_threshold);
  settle_step(v, refractory, v_free, held, spike, constants);
  return spike;
}

// One neuron from sample k to k+1; returns true when it spikes at t_{k+1}.
SRLIF_HD bool euler_step(NeuronState& state, const StepConstants& constants, float drive, float noise) {
  return euler_step_lanes(state.v, state.refractory, constants, drive, noise) != 0;
}

}  // namespace srlif
