// Coloured noise (synaptic filtering): the noise current I_s (pA) is an
// Ornstein-Uhlenbeck process with correlation time tau_s = --noise-tau (ms),
//   tau_s dI_s = -I_s dt + sigma dW,    sigma in pA sqrt(ms),
// with stationary mean 0, variance sigma^2 / (2 tau_s) and autocorrelation
// e^{-|lag| / tau_s}. Its integral over a step tends to that of sigma xi(t) as
// tau_s -> 0: the same sigma as the white noise (docs/theory.md). The membrane is
//   tau_m dV = (E_L - V + (I_bias + A sin(2 pi f t) + I_s) / g_L) dt.
// Each neuron carries I_s as state (PopulationSnapshot::noise_current): it starts
// from its stationary distribution, keeps evolving while the neuron is held at
// V_reset and is not reset by a spike. Over one step
//   I' = decay I + gain z1                  (exact: decay = e^{-dt/tau_s},
//                                            gain = sigma sqrt((1 - decay^2) / (2 tau_s)))
// and the membrane's noise term of the step is
//   euler: coupling I_k,                    coupling = dt / (tau_m g_L)  (the study's step, I held at I_k)
//   exact: coupling I_k + noise_gain z1 + second_gain z2,
//          coupling = (1 / (tau_m g_L)) int_0^dt e^{-(dt-s)/tau_m} e^{-s/tau_s} ds,
// where (noise_gain z1 + second_gain z2, gain z1) has the covariance of the two
// processes' noise over the step: the joint (V, I_s) transition is exact in
// distribution (sweep_plan.cpp computes the coefficients in double).
// z1 is the step's normal of the neuron's stream (the one white noise uses), z2
// the normal of the same step in the counter range kSecondNormalFlag; the
// initial current is stationary_sd times a normal of block kInitialNoiseBlock.
// White noise (tau_s = 0) has decay = gain = coupling = second_gain = 0: a point
// with tau_s = 0 in a coloured run takes noise_gain z1 alone, white noise's bits.
#pragma once

#include <cstdint>

#include "srlif/physics/host_device.hpp"
#include "srlif/physics/normal.hpp"
#include "srlif/physics/philox.hpp"

namespace srlif {

// The second normals of step k live in Philox block (k / 4) | 2^61: the first
// normals use blocks k / 4 < 2^38 (at most 10^12 steps), a neuron's spread draws
// block 2^62 (spread.hpp), the bridge's uniforms (k / 4) | 2^63.
constexpr std::uint64_t kSecondNormalFlag = std::uint64_t{1} << 61;
// The block of a neuron's initial noise current: in none of those ranges.
constexpr std::uint64_t kInitialNoiseBlock = (std::uint64_t{1} << 62) | (std::uint64_t{1} << 63);

// The coloured noise's coefficients at one grid point (or one neuron), float;
// all zero for white noise. `Real` is float, or a CPU lane vector.
template <typename Real>
struct ColouredNoiseOf {
  Real decay;          // e^{-dt/tau_s}
  Real gain;           // pA per unit normal z1
  Real coupling;       // mV per pA: the current's weight in the membrane's step
  Real second_gain;    // scheme exact: mV per unit normal z2; euler: 0
  Real stationary_sd;  // pA: sigma / sqrt(2 tau_s)
};
using ColouredNoise = ColouredNoiseOf<float>;

// The membrane's noise term of one step (mV) from the current I_k, which then takes its step to
// I_{k+1}. kSecond: scheme exact, whose membrane has a noise of its own (second_gain z2).
template <bool kSecond, typename Real, typename Gain, typename Coefficients>
SRLIF_HD Real coloured_membrane_noise(Real& current, Gain noise_gain, const Coefficients& coloured,
                                      Real first, Real second) {
  Real noise = coloured.coupling * current + noise_gain * first;
  if constexpr (kSecond) noise = noise + coloured.second_gain * second;
  current = coloured.decay * current + coloured.gain * first;
  return noise;
}

// The initial noise current of a neuron (pA): a draw from the stationary distribution.
SRLIF_HD float initial_noise_current(std::uint64_t seed, std::uint64_t stream, float stationary_sd) {
  return stationary_sd * normals_from_block(philox4x32_10(seed, stream, kInitialNoiseBlock)).z[0];
}

}  // namespace srlif
