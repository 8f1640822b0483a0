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
#include <type_traits>

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

// e^x - 1 for x in [-1.3, 0]: its Taylor series to x^11 (truncation below 2e-8 |x|) in plain float
// operations, the same bits on host and device (no libm).
SRLIF_HD float expm1_unit(float x) {
  float p = 2.5052108385441720e-08f;  // 1/11!
  p = p * x + 2.7557319223985891e-07f;
  p = p * x + 2.7557319223985893e-06f;
  p = p * x + 2.4801587301587302e-05f;
  p = p * x + 1.9841269841269841e-04f;
  p = p * x + 1.3888888888888889e-03f;
  p = p * x + 8.3333333333333332e-03f;
  p = p * x + 4.1666666666666664e-02f;
  p = p * x + 1.6666666666666666e-01f;
  p = p * x + 0.5f;
  p = p * x + 1.0f;
  return p * x;
}

// The reset off the grid (scheme exact). A neuron that crosses V_th at a fraction c of step k
// restarts from V_reset at t_k + c dt + t_ref exactly, not at a sample: it is held for whole steps
// and then for the fraction `release` of one more step, whose rest it integrates from V_reset
// (released_step). c is the crossing time's expectation given the step's ends (crossing_fraction).

// The end of a step whose first fraction `held` the neuron still sat at V_reset: it relaxes over
// the rest (1 - held) dt with decay D = e^{-(1 - held) dt/tau}, the step's drive weighted by
// (1 - D)/(1 - e^{-dt/tau}) (exact for its constant part; the sinusoid is taken as constant over
// the piece) and its noise by sqrt((1 - D^2)/(1 - e^{-2 dt/tau})) (exact for white noise; for
// coloured noise an approximation of the piece's share).
struct PartialStep {
  float v_free;   // mV
  float decay;    // D
  float relaxed;  // 1 - D
};
SRLIF_HD PartialStep released_step(float held, float v_reset, float step_rate, float decay, float relaxed,
                                   float drive, float noise) {
  const float change = expm1_unit(-((1.0f - held) * step_rate));  // D - 1
  const float piece_decay = 1.0f + change;
  const float drive_weight = -change / relaxed;
  const float noise_weight = sqrtf((-change * (1.0f + piece_decay)) / (relaxed * (1.0f + decay)));
  return PartialStep{piece_decay * v_reset + (drive * drive_weight + noise * noise_weight), piece_decay,
                     -change};
}

// The scaled complementary error function erfcx(x) = e^{x^2} erfc(x) for x >= 0 (Numerical Recipes'
// erfcc, relative error below 1.2e-7, as t e^{P(t)}, t = 1/(1 + x/2), P(t) in [-1.27, 0]), in plain
// float operations: the same bits on host and device.
SRLIF_HD float erfcx_positive(float x) {
  const float t = 1.0f / (1.0f + 0.5f * x);
  float p = 0.17087277f;
  p = p * t + -0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t + -1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t + -0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t + -1.26551223f;
  return t * (1.0f + expm1_unit(p));
}

// The fraction of the step (in (0, 1]) at which a spiking neuron crossed V_th: `start` (its
// release, or 0) + the crossing within the piece that began there at `v_start` and ended at
// `v_free` with decay D (`piece_decay`; 1 - D: `piece_relaxed`).
// In the clock r = e^{t/tau} the distance G = e^{t/tau}(v - V_th) of the noiseless path is linear,
// from -d1 = v_start - V_th to e^{T/tau}(v_free - V_th) =: -d2 over the piece: where the noise is
// negligible the crossing is at r-fraction d1 / (d1 + |d2|), the exact noiseless crossing. With
// noise of standard deviation S over the piece (in G), the path given both ends is a Brownian
// bridge, whose first passage (given that it crosses) is expected at the r-fraction
//   (d1 / S) sqrt(pi/2) erfcx((d1 + |d2|) / (S sqrt(2))),
// which tends to d1 / (d1 + |d2|) as S -> 0 and holds for a path that ended above V_th or, after
// a bridge crossing, below. S = 0: the noiseless form. t / tau = ln(1 + rho (e^{T/tau} - 1)).
SRLIF_HD float crossing_fraction(float start, float v_start, float v_free, float piece_decay,
                                 float piece_relaxed, float v_threshold, float inverse_rate, float noise_sd) {
  const float below_start = v_threshold - v_start;            // d1 > 0
  const float to_end = (v_threshold - v_free) / piece_decay;  // d2, either sign
  const float spread = below_start + (to_end < 0.0f ? -to_end : to_end);
  float rho = below_start / spread;
  if (noise_sd > 0.0f) {
    rho = (below_start / noise_sd) * 1.2533141373155003f *  // sqrt(pi/2)
          erfcx_positive(spread / (noise_sd * 1.4142135623730951f));
  }
  rho = rho < 1.0f ? rho : 1.0f;
  const float within = log_positive(1.0f + rho * (piece_relaxed / piece_decay)) * inverse_rate;
  const float fraction = start + within;
  return fraction < 1.0f ? fraction : 1.0f;
}

// A spike's hold and release (the reset off the grid): the whole steps the neuron is held after the
// spike's step and the fraction of the next one, from the crossing fraction c: c + t_ref/dt =
// hold_steps + c + ref_fraction, of which the steps after the spike's are held. A release that
// falls inside the spike's own step (t_ref < dt) is taken at its end: the reset on the grid.
template <typename Count, typename Real>
struct SpikeTiming {
  Count hold;    // refractory steps after the spike's step
  Real release;  // then held for this fraction of one more step
};
SRLIF_HD SpikeTiming<std::int32_t, float> spike_timing(float crossing, std::int32_t hold_steps,
                                                       float ref_fraction) {
  const float total = crossing + ref_fraction;  // in [0, 2)
  const bool carry = total >= 1.0f;
  std::int32_t hold = hold_steps - 1 + (carry ? 1 : 0);
  float release = carry ? total - 1.0f : total;  // exact (Sterbenz)
  if (hold < 0) {
    hold = 0;
    release = 0.0f;
  }
  return {hold, release};
}

// What a spiking lane's timing needs of its step: the potential before it, the free potential at
// its end (from V_reset over the piece for a release), the pending release at its start (0: none),
// the step's drive and noise, the bridge limit (17 h).
struct SpikeStep {
  float v;
  float v_free;
  float start;
  float drive;
  float noise;
  float bridge_limit;
};

// One lane of a value that is a scalar (a GPU thread's neuron: the value itself) or a lane vector
// (the rare per-lane work of the reset off the grid): read by value, written through set_lane, as
// a vector extension's element is no object a reference can name (Clang refuses to bind one).
template <typename T>
SRLIF_HD auto lane_at(const T& value, int lane) {
  if constexpr (std::is_arithmetic_v<T>) {
    (void)lane;
    return value;
  } else {
    return value[lane];
  }
}
template <typename T, typename Value>
SRLIF_HD void set_lane(T& value, int lane, Value lane_value) {
  if constexpr (std::is_arithmetic_v<T>) {
    (void)lane;
    value = lane_value;
  } else {
    value[lane] = lane_value;
  }
}
template <typename Mask>
SRLIF_HD constexpr int lane_count() {
  if constexpr (std::is_arithmetic_v<Mask>) {  // one neuron: a bool, or the int of `bool & bool`
    return 1;
  } else {
    return static_cast<int>(sizeof(Mask) / sizeof(std::int32_t));
  }
}
// visit(lane) for each lane set in `mask`.
template <typename Mask, typename Visit>
SRLIF_HD void for_each_set_lane(const Mask& mask, Visit&& visit) {
  for (int lane = 0; lane < lane_count<Mask>(); ++lane) {
    if (lane_at(mask, lane)) visit(lane);
  }
}

// A spiking lane's hold and release (the reset off the grid), with lane `lane` of the constants (a
// neuron's, or per-lane vectors): inline in exact_step_lanes, or from the CPU kernels' spike pass
// with the same inputs, so the same bits.
template <typename Constants>
SRLIF_HD SpikeTiming<std::int32_t, float> time_spike(const SpikeStep& step, const Constants& constants,
                                                     int lane) {
  const float decay = lane_at(constants.decay, lane);
  float piece_decay = decay;
  float piece_relaxed = lane_at(constants.relaxed, lane);
  // The noise's spread in the clock r over a whole step: S^2 = s^2 e^{2 dt/tau} = 2 h / D with
  // h = limit / 17; a released piece takes the noiseless form.
  float noise_sd = sqrtf(2.0f * (step.bridge_limit / static_cast<float>(kBridgeLimitFactor)) / decay);
  if (step.start > 0.0f) {
    const PartialStep piece =
        released_step(step.start, lane_at(constants.v_reset, lane), lane_at(constants.step_rate, lane), decay,
                      piece_relaxed, step.drive, step.noise);
    piece_decay = piece.decay;
    piece_relaxed = piece.relaxed;
    noise_sd = 0.0f;
  }
  const float crossing = crossing_fraction(step.start, step.v, step.v_free, piece_decay, piece_relaxed,
                                           lane_at(constants.v_threshold, lane),
                                           lane_at(constants.inverse_rate, lane), noise_sd);
  return spike_timing(crossing, lane_at(constants.hold_steps, lane), lane_at(constants.ref_fraction, lane));
}

// The free potential at the end of a step from `v`: decay v + drive + noise, or for a neuron
// released inside it (`start` > 0) from V_reset over the piece: exact_step_lanes' v_free, lane by lane.
template <typename Constants>
SRLIF_HD float step_free_potential(float v, float start, float drive, float noise, const Constants& constants,
                                   int lane) {
  if (start > 0.0f) {
    return released_step(start, lane_at(constants.v_reset, lane), lane_at(constants.step_rate, lane),
                         lane_at(constants.decay, lane), lane_at(constants.relaxed, lane), drive, noise)
        .v_free;
  }
  return (lane_at(constants.decay, lane) * v + drive) + noise;
}

// One step of scheme exact, for one neuron or a vector of lanes (as
// euler_step_lanes; the bridge limit too may be each lane's own).
// `crossed(candidates, product)` draws the bridge uniforms where `candidates`
// is set and returns where the bridge crossed; `any(mask)` says whether a lane
// of a mask is set (on the GPU: a lane of the warp; the rare work of the reset
// off the grid goes under it). `release` is the neuron's pending release
// (NeuronState::release); `timing` receives a spiking lane's hold and release
// (written only where a lane spiked), which the step also takes into
// `refractory` and `release`. kReleases false: no lane has a release pending
// (the CPU's runs of steps with no lane held), so that test is left out.
// kTiming false: a spiking lane's hold and release are left to the caller
// (the CPU kernels' spike pass, time_spike), which keeps that rare code out
// of their loops; the step then leaves timing's values in spiking lanes.
template <bool kReleases = true, bool kTiming = true, typename Real, typename Count, typename Constants,
          typename Drive, typename Limit, typename Crossed, typename Any>
SRLIF_HD auto exact_step_lanes(Real& v, Count& refractory, Real& release, SpikeTiming<Count, Real>& timing,
                               const Constants& constants, Drive drive, Real noise, Limit bridge_limit,
                               Crossed&& crossed, Any&& any) {
  Real v_free = (constants.decay * v + drive) + noise;
  const auto held = refractory > 0;
  // Released inside this step: from V_reset (where the neuron sat) over the step's rest.
  const auto releasing = mask_not(held) & (release > 0.0f);
  if (kReleases && any(releasing)) {
    for_each_set_lane(releasing, [&](int lane) {
      set_lane(v_free, lane,
               step_free_potential(lane_at(v, lane), lane_at(release, lane), lane_at(drive, lane),
                                   lane_at(noise, lane), constants, lane));
    });
  }
  const auto below = mask_not(held) & (v < constants.v_threshold);
  const auto ended_below = v_free < constants.v_threshold;
  const Real product = (constants.v_threshold - v) * (constants.v_threshold - v_free);
  const auto candidates = below & ended_below & (product < bridge_limit);
  const auto spike = (below & mask_not(ended_below)) | crossed(candidates, product);
  if constexpr (kTiming) {
    if (any(spike)) {  // spikes are rare: each spiking lane's crossing time, hold and release
      for_each_set_lane(spike, [&](int lane) {
        const SpikeStep step{lane_at(v, lane),
                             lane_at(v_free, lane),
                             lane_at(releasing, lane) ? lane_at(release, lane) : 0.0f,
                             lane_at(drive, lane),
                             lane_at(noise, lane),
                             lane_at(bridge_limit, lane)};
        const SpikeTiming<std::int32_t, float> one = time_spike(step, constants, lane);
        set_lane(timing.hold, lane, one.hold);
        set_lane(timing.release, lane, one.release);
      });
    }
  }
  v = (held | spike) ? constants.v_reset : v_free;
  refractory = held ? refractory - 1 : (spike ? timing.hold : 0);
  release = held ? release : (spike ? timing.release : Real{});
  return spike;
}

// The Philox stream of one neuron and the global index of table entry 0: the
// bridge uniforms of a thread that draws its own. A bridge source offers
// `uniform(at)`, the uniform of step first_step + at, which every thread of a
// warp calls together (under a warp-uniform branch), so that a source shared
// by the lanes of a warp (kernels/sweep_kernels.cuh, noise_sharing.hpp) can
// shuffle; and `any(c)`, the vote of that warp: whether c holds in any of its
// threads. Rare work (a spike's bookkeeping, the bridge's uniform) goes under
// `if (bridge.any(c)) { if (c) ... }`: a warp where no thread needs it skips it
// with one vote and a branch, where nvcc would otherwise issue the whole body,
// predicated off, at every step; the vote also makes the branch the same in
// every thread, as the shuffles under it need. A thread alone (this one, the
// host's trace) is its own warp.
struct BridgeStream {
  std::uint64_t seed;
  std::uint64_t stream;
  std::int64_t first_step;

  SRLIF_HD float uniform(std::int64_t at) const { return bridge_uniform(seed, stream, first_step + at); }
  SRLIF_HD bool any(bool condition) const { return condition; }
};

// One neuron, one step of scheme exact at table index `at`, its bridge uniform from `bridge`.
template <typename Bridge>
SRLIF_HD bool exact_step(NeuronState& state, const StepConstants& constants, const PointCoefficients& point,
                         float drive, float noise, Bridge& bridge, std::int64_t at) {
  const auto crossed = [&](bool candidate, float product) {
    bool spike = false;
    if (bridge.any(candidate)) {  // a warp with no neuron near threshold draws no uniform
      const float uniform = bridge.uniform(at);
      spike = candidate && bridge_crossed(product, point.bridge_half_variance, uniform);
    }
    return spike;
  };
  SpikeTiming<std::int32_t, float> timing{0, 0.0f};
  return exact_step_lanes(state.v, state.refractory, state.release, timing, constants, drive, noise,
                          point.bridge_limit, crossed, [&](bool mask) { return bridge.any(mask); }) != 0;
}

}  // namespace srlif
