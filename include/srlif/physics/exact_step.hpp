// Scheme `exact` (DESIGN.md section 1). Between spikes the membrane is an
// Ornstein-Uhlenbeck process with a known drive, so one step is exact in
// distribution:
//   v' = e^{-dt/tau} v_k + (1 - e^{-dt/tau}) (E_L + I_bias/g_L)
//        + (A/g_L) |c| sin(2 pi f t_k + arg c) + s z_k,
//   c = (1/tau) (e^{i w dt} - e^{-dt/tau}) / (1/tau + i w),  w = 2 pi f / 1000 per ms,
//   s^2 = sigma^2 (1 - e^{-2 dt/tau}) / (2 g_L^2 tau)   [mV^2],
// the same arithmetic as the euler step with other coefficients and a
// phase-shifted drive table (make_plan, make_chunk_tables). A path that ends
// the step below threshold may still have crossed inside it: given both ends,
// it did so with the bridge probability
//   p = exp(-2 (V_th - v_k)(V_th - v') / (s^2 e^{dt/tau})),
// decided by one uniform u from a counter range of the neuron's own Philox
// stream that the normals never use: spike where u < p.
// Why s^2 e^{dt/tau}: Y(t) = e^{t/tau} (v(t) - mu) is a Brownian motion in a
// changed clock, with variance e^{2 dt/tau} s^2 over the step, endpoint
// distances to its (to first order linear) barrier of V_th - v_k and
// e^{dt/tau} (V_th - v'); the Brownian-bridge formula for a linear barrier
// then gives p above. DESIGN.md's exp(-2 (V_th - v_k)(V_th - v')/s^2) is its
// first-order form; the e^{dt/tau} removes a rate bias of -0.8 % at dt = 0.4 ms
// (docs/accuracy.md).
#pragma once

#include <cstdint>

#include "srlif/physics/euler_step.hpp"
#include "srlif/physics/host_device.hpp"
#include "srlif/physics/normal.hpp"
#include "srlif/physics/philox.hpp"

namespace srlif {

// The bridge uniforms of step k live in Philox block (k / 4) | 2^63, word k mod 4:
// the normals use blocks k / 4 < 2^62, so the two never share a counter.
constexpr std::uint64_t kBridgeBlockFlag = std::uint64_t{1} << 63;

SRLIF_HD float bridge_uniform(std::uint64_t seed, std::uint64_t stream, std::int64_t step) {
  const PhiloxWords words =
      philox4x32_10(seed, stream, (static_cast<std::uint64_t>(step) / 4) | kBridgeBlockFlag);
  // Selects rather than words.word[step % 4]: a dynamic index would put the
  // array in local memory (a stack frame) on the GPU.
  const std::int64_t slot = step % 4;
  const std::uint32_t word = slot == 0   ? words.word[0]
                             : slot == 1 ? words.word[1]
                             : slot == 2 ? words.word[2]
                                         : words.word[3];
  return uniform_open(word);
}

// u < exp(-(V_th - v_k)(V_th - v') / h) with h = s^2 e^{dt/tau} / 2 (mV^2), tested in the log domain with
// the shared log so that both backends decide alike.
SRLIF_HD bool bridge_crossed(float product, float half_variance, float uniform) {
  return product < -log_positive(uniform) * half_variance;
}

// The smallest uniform is 2^-24, so where (V_th - v_k)(V_th - v') >= 17 h
// (> 24 ln 2 h, with room for rounding) no draw can give a crossing; the
// uniform is drawn only below that bound, which leaves every result as if it
// had been drawn at every step.
constexpr double kBridgeLimitFactor = 17.0;

// One step of scheme exact, for one neuron or a vector of lanes (as
// euler_step_lanes; the bridge limit too may be each lane's own).
// `crossed(candidates, product)` draws the bridge uniforms where `candidates`
// is set and returns where the bridge crossed.
template <typename Real, typename Count, typename Constants, typename Drive, typename Limit, typename Crossed>
SRLIF_HD auto exact_step_lanes(Real& v, Count& refractory, const Constants& constants, Drive drive,
                               Real noise, Limit bridge_limit, Crossed&& crossed) {
  const Real v_free = (constants.decay * v + drive) + noise;
  const auto held = refractory > 0;
  const auto below = mask_not(held) & (v < constants.v_threshold);
  const auto ended_below = v_free < constants.v_threshold;
  const Real product = (constants.v_threshold - v) * (constants.v_threshold - v_free);
  const auto candidates = below & ended_below & (product < bridge_limit);
  const auto spike = (below & (v_free >= constants.v_threshold)) | crossed(candidates, product);
  settle_step(v, refractory, v_free, held, spike, constants);
  return spike;
}

// The Philox stream of one neuron and the global index of table entry 0: the
// bridge uniforms of a thread that draws its own. A bridge source offers
// `uniform(at)`, the uniform of step first_step + at, which every thread of a
// warp calls together (under a warp-uniform branch), so that a source shared
// by the lanes of a warp (sweep_kernels.cuh, noise_sharing.hpp) can shuffle.
struct BridgeStream {
  std::uint64_t seed;
  std::uint64_t stream;
  std::int64_t first_step;

  SRLIF_HD float uniform(std::int64_t at) const { return bridge_uniform(seed, stream, first_step + at); }
};

// One neuron, one step of scheme exact at table index `at`, its bridge uniform from `bridge`.
template <typename Bridge>
SRLIF_HD bool exact_step(NeuronState& state, const StepConstants& constants, const PointCoefficients& point,
                         float drive, float noise, Bridge& bridge, std::int64_t at) {
  const auto crossed = [&](bool candidate, float product) {
    bool spike = false;
    if (any_in_warp(candidate)) {  // a warp with no neuron near threshold draws no uniform
      const float uniform = bridge.uniform(at);
      spike = candidate && bridge_crossed(product, point.bridge_half_variance, uniform);
    }
    return spike;
  };
  return exact_step_lanes(state.v, state.refractory, constants, drive, noise, point.bridge_limit, crossed) !=
         0;
}

}  // namespace srlif
