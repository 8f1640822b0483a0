// Exact per-neuron and per-point accumulation.
#include "srlif/physics/accumulators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace srlif {
namespace {

TEST(NeuronContribution, VectorStrengthAndValidity) {
  const ValidityRule rule{2, 5};
  // Three spikes at phase 0 and one at pi/2: R = |3 + i| / 4.
  const auto scale = static_cast<std::int64_t>(kPhaseScale);
  const NeuronTally neuron{4, 3 * scale, scale};
  const PointTally tally = neuron_contribution(neuron, rule);
  EXPECT_EQ(tally.neurons, 1u);
  EXPECT_EQ(tally.spikes, 4u);
  EXPECT_EQ(tally.spikes_squared, 16u);
  EXPECT_EQ(tally.valid_neurons, 1u);
  const double strength = std::sqrt(10.0) / 4.0;
  EXPECT_NEAR(static_cast<double>(tally.strength_sum) / kStrengthScale, strength, 1e-9);
  EXPECT_NEAR(static_cast<double>(tally.strength_squared_sum) / kStrengthScale, strength * strength, 1e-9);

  const PointTally too_few = neuron_contribution(NeuronTally{1, scale, 0}, rule);
  EXPECT_EQ(too_few.valid_neurons, 0u);
  EXPECT_EQ(too_few.strength_sum, 0u);
  const PointTally too_many = neuron_contribution(NeuronTally{6, 6 * scale, 0}, rule);
  EXPECT_EQ(too_many.valid_neurons, 0u);
  EXPECT_EQ(too_many.spikes, 6u);
}

TEST(NeuronContribution, StrengthNeverExceedsOne) {
  // cos and sin of 45 degrees rounded up in fixed point: |sum| slightly > n.
  const auto component = static_cast<std::int64_t>(std::ceil(std::sqrt(0.5) * kPhaseScale));
  const PointTally tally = neuron_contribution(NeuronTally{100, 100 * component, 100 * component}, {1, 400});
  EXPECT_LE(tally.strength_sum, static_cast<std::uint64_t>(kStrengthScale));
}

// The point tally must not depend on the order in which neurons are added.
TEST(AddTally, OrderIndependentBitForBit) {
  std::mt19937_64 random(5);
  std::vector<PointTally> parts;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t spikes = static_cast<std::uint32_t>(random() % 50);
    const auto cos_sum = static_cast<std::int64_t>(random() % (2 * spikes + 1) * (1 << 24)) -
                         static_cast<std::int64_t>(spikes) * (1 << 24);
    parts.push_back(neuron_contribution(NeuronTally{spikes, cos_sum, -cos_sum / 3}, {10, 400}));
  }
  auto total = [](const std::vector<PointTally>& items) {
    PointTally sum{};
    for (const PointTally& item : items) add_tally(sum, item);
    return sum;
  };
  const PointTally forward = total(parts);
  std::shuffle(parts.begin(), parts.end(), random);
  const PointTally shuffled = total(parts);
  EXPECT_EQ(forward.spikes, shuffled.spikes);
  EXPECT_EQ(forward.spikes_squared, shuffled.spikes_squared);
  EXPECT_EQ(forward.cos_sum, shuffled.cos_sum);
  EXPECT_EQ(forward.sin_sum, shuffled.sin_sum);
  EXPECT_EQ(forward.valid_neurons, shuffled.valid_neurons);
  EXPECT_EQ(forward.strength_sum, shuffled.strength_sum);
  EXPECT_EQ(forward.strength_squared_sum, shuffled.strength_squared_sum);
  EXPECT_EQ(forward.neurons, 1000u);
}

}  // namespace
}  // namespace srlif
