// Per-neuron and per-grid-point accumulators with exact, order-independent sums.
//
// Spike phases enter as fixed point: cos and sin of the spike phase are stored
// in the phase table as integers scaled by kPhaseScale = 2^24 (resolution 6e-8),
// so a neuron's sums and a grid point's sums are exact int64 additions.
// Per-neuron vector strengths enter the grid-point sums as fixed point with
// scale kStrengthScale = 2^32. Overflow bounds are checked before a run starts
// (see check_accumulator_bounds in sweep_plan.cpp).
#pragma once

#include <cmath>
#include <cstdint>

#include "srlif/physics/host_device.hpp"

namespace srlif {

inline constexpr double kPhaseScale = 16777216.0;       // 2^24
inline constexpr double kStrengthScale = 4294967296.0;  // 2^32

struct NeuronTally {
  std::uint32_t spikes;
  std::int64_t cos_sum;  // sum of cos(phase) * 2^24 over the neuron's spikes
  std::int64_t sin_sum;  // sum of sin(phase) * 2^24
};

// Sums over the neurons of one grid point. Every field is an integer so that
// the result does not depend on the order in which neurons are added.
struct PointTally {
  std::uint64_t neurons;
  std::uint64_t spikes;
  std::uint64_t spikes_squared;        // sum of n_i^2, for the rate spread
  std::int64_t cos_sum;                // pooled, scale 2^24
  std::int64_t sin_sum;                // pooled, scale 2^24
  std::uint64_t valid_neurons;         // min_spikes <= n_i <= max_spikes
  std::uint64_t strength_sum;          // sum of R_i * 2^32 over valid neurons
  std::uint64_t strength_squared_sum;  // sum of R_i^2 * 2^32 over valid neurons
};

// Whether phase sums can come from `spikes` spikes: |sum of e^{i phase}| <= spikes as a vector
// (not per component), in fixed point 2^24 with each spike's components rounded (1.5 units of
// slack a spike). For sums read back from a file, a neuron's or a grid point's.
inline bool phase_sums_fit(std::int64_t cos_sum, std::int64_t sin_sum, std::uint64_t spikes) {
  const double reach = static_cast<double>(spikes) * (kPhaseScale + 1.5);
  const auto c = static_cast<double>(cos_sum);
  const auto s = static_cast<double>(sin_sum);
  return c * c + s * s <= reach * reach;
}

struct ValidityRule {
  std::uint32_t min_spikes;
  std::uint32_t max_spikes;
};

// One neuron's contribution to its point's tally. Double precision IEEE
// operations only, so host and device produce the same integers.
SRLIF_HD PointTally neuron_contribution(const NeuronTally& neuron, const ValidityRule& rule) {
  PointTally tally{};
  tally.neurons = 1;
  tally.spikes = neuron.spikes;
  tally.spikes_squared = static_cast<std::uint64_t>(neuron.spikes) * neuron.spikes;
  tally.cos_sum = neuron.cos_sum;
  tally.sin_sum = neuron.sin_sum;
  const bool valid = neuron.spikes >= rule.min_spikes && neuron.spikes <= rule.max_spikes;
  if (valid) {
    tally.valid_neurons = 1;
    if (neuron.spikes > 0) {
      const double c = static_cast<double>(neuron.cos_sum);
      const double s = static_cast<double>(neuron.sin_sum);
      double strength = sqrt(c * c + s * s) / (static_cast<double>(neuron.spikes) * kPhaseScale);
      strength = strength > 1.0 ? 1.0 : strength;  // fixed-point rounding can exceed 1 by ~1e-7
      tally.strength_sum = static_cast<std::uint64_t>(strength * kStrengthScale + 0.5);
      tally.strength_squared_sum = static_cast<std::uint64_t>((strength * strength) * kStrengthScale + 0.5);
    }
  }
  return tally;
}

// Field-wise sum; unsigned wrap-around makes the signed sums exact too.
SRLIF_HD void add_tally(PointTally& into, const PointTally& other) {
  into.neurons += other.neurons;
  into.spikes += other.spikes;
  into.spikes_squared += other.spikes_squared;
  into.cos_sum = static_cast<std::int64_t>(static_cast<std::uint64_t>(into.cos_sum) +
                                           static_cast<std::uint64_t>(other.cos_sum));
  into.sin_sum = static_cast<std::int64_t>(static_cast<std::uint64_t>(into.sin_sum) +
                                           static_cast<std::uint64_t>(other.sin_sum));
  into.valid_neurons += other.valid_neurons;
  into.strength_sum += other.strength_sum;
  into.strength_squared_sum += other.strength_squared_sum;
}

}  // namespace srlif
