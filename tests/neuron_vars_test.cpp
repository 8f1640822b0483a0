// The per-neuron state declared once (neuron_vars.hpp): the list's order is the state file's
// layout (pinned here, so that a change to it is deliberate), every variable goes through
// load_neuron and store_neuron to its own place, the initial state is the one of the physics,
// and with_step_variant hands each run-time choice to the template it names.
#include "srlif/physics/neuron_vars.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "srlif/io/state_file.hpp"
#include "srlif/physics/neuron_chunk.hpp"
#include "srlif/running/backend.hpp"

namespace srlif {
namespace {

// A snapshot of `neurons` neurons whose every element differs from every other.
PopulationSnapshot distinct_state(std::size_t neurons) {
  PopulationSnapshot state;
  int var = 0;
  for_each_state_array(
      [&](auto& array) {
        ++var;
        array.resize(neurons);
        for (std::size_t at = 0; at < neurons; ++at)
          array[at] = static_cast<std::remove_cvref_t<decltype(array[0])>>(100 * var + at);
      },
      state);
  return state;
}

TEST(NeuronVars, TheListIsTheStateFilesLayout) {
  const std::vector<std::string> names = {"v",       "refractory",    "spikes", "cos_sum",
                                          "sin_sum", "noise_current", "release"};
  ASSERT_EQ(kNeuronVarCount, names.size());
  std::vector<std::size_t> element_bytes;
  PopulationSnapshot state;
  for_each_state_array([&](const auto& array) { element_bytes.push_back(sizeof(array[0])); }, state);
  EXPECT_EQ(element_bytes, (std::vector<std::size_t>{4, 4, 4, 8, 8, 4, 4}));
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(kNeuronVars[i].name, names[i]);
    EXPECT_EQ(kNeuronVars[i].since_version, i < 5 ? 1 : 2) << names[i];
  }
  // Each array is its own: a visit of one reaches that array alone.
  std::size_t index = 0;
  for_each_state_array([&](auto& array) { array.resize(++index); }, state);
  EXPECT_EQ(state.v.size(), 1u);
  EXPECT_EQ(state.refractory.size(), 2u);
  EXPECT_EQ(state.spikes.size(), 3u);
  EXPECT_EQ(state.cos_sum.size(), 4u);
  EXPECT_EQ(state.sin_sum.size(), 5u);
  EXPECT_EQ(state.noise_current.size(), 6u);
  EXPECT_EQ(state.release.size(), 7u);

  // The state file: the newest variable's version, 36 bytes per neuron.
  StateFile file{"", ShardSpec{1, 1}, {0}, 2, distinct_state(2)};
  file.state.next_step = 4;
  const std::string bytes = format_state_file(file);
  EXPECT_EQ(bytes.rfind("# srlif state 2\n", 0), 0u);
  EXPECT_NE(bytes.find("\ndata 72\n"), std::string::npos);
  const StateFile back = parse_state_file(bytes, "state");
  for_each_state_array([](const auto& mine, const auto& theirs) { EXPECT_EQ(mine, theirs); }, back.state,
                       file.state);
}

TEST(NeuronVars, LoadAndStoreMoveEachVariableToItsOwnPlace) {
  const PopulationSnapshot from = distinct_state(3);
  const NeuronRecord neuron = load_neuron(from, 1);
  EXPECT_EQ(neuron.state.v, from.v[1]);
  EXPECT_EQ(neuron.state.refractory, from.refractory[1]);
  EXPECT_EQ(neuron.state.release, from.release[1]);
  EXPECT_EQ(neuron.tally.spikes, from.spikes[1]);
  EXPECT_EQ(neuron.tally.cos_sum, from.cos_sum[1]);
  EXPECT_EQ(neuron.tally.sin_sum, from.sin_sum[1]);
  EXPECT_EQ(neuron.noise_current, from.noise_current[1]);

  PopulationSnapshot to;
  for_each_state_array([](auto& array) { array.assign(3, 0); }, to);
  store_neuron(to, 2, neuron);
  std::size_t var = 0;
  for_each_state_array(
      [&](const auto& mine, const auto& theirs) {
        EXPECT_EQ(mine[2], theirs[1]) << kNeuronVars[var].name;
        EXPECT_EQ(mine[0], 0) << kNeuronVars[var].name << ": only neuron 2 is written";
        EXPECT_EQ(mine[1], 0) << kNeuronVars[var].name << ": only neuron 2 is written";
        ++var;
      },
      to, from);
  EXPECT_EQ(var, kNeuronVarCount);
}

TEST(NeuronVars, TheInitialNeuronIsAtRestWithItsStationaryCurrent) {
  PointCoefficients point{};
  point.constants.v_init = -65.5f;
  point.coloured.stationary_sd = 2.5f;
  const std::uint64_t seed = 1234, stream = 99;
  for (const bool coloured : {false, true}) {
    const NeuronRecord neuron = initial_neuron(point, seed, stream, coloured);
    EXPECT_EQ(neuron.state.v, -65.5f);
    EXPECT_EQ(neuron.state.refractory, 0);
    EXPECT_EQ(neuron.state.release, 0.0f);
    EXPECT_EQ(neuron.tally.spikes, 0u);
    EXPECT_EQ(neuron.tally.cos_sum, 0);
    EXPECT_EQ(neuron.tally.sin_sum, 0);
    EXPECT_EQ(neuron.noise_current, coloured ? initial_noise_current(seed, stream, 2.5f) : 0.0f);
  }
  EXPECT_NE(initial_neuron(point, seed, stream, true).noise_current,
            initial_neuron(point, seed, stream + 1, true).noise_current)
      << "each stream draws its own current";
}

TEST(NeuronVars, TheContributionIsThatOfTheNeuronsTally) {
  PopulationSnapshot state = distinct_state(2);
  state.spikes[1] = 4;
  state.cos_sum[1] = 3 << 24;
  state.sin_sum[1] = -(1 << 24);
  const ValidityRule rule{2, 10};
  const PointTally expected = neuron_contribution(NeuronTally{4, 3 << 24, -(1 << 24)}, rule);
  const PointTally got = neuron_contribution_at(state, 1, rule);
  EXPECT_EQ(got.spikes, expected.spikes);
  EXPECT_EQ(got.cos_sum, expected.cos_sum);
  EXPECT_EQ(got.sin_sum, expected.sin_sum);
  EXPECT_EQ(got.valid_neurons, 1u);
  EXPECT_EQ(got.strength_sum, expected.strength_sum);
}

TEST(StepVariant, EachChoiceReachesTheTemplateItNames) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const bool coloured : {false, true}) {
      for (const bool record : {false, true}) {
        const auto got = with_step_variant(StepVariant{scheme, coloured, record}, [](auto kScheme,
                                                                                     auto kColoured,
                                                                                     auto kRecord) {
          return std::tuple{decltype(kScheme)::value, decltype(kColoured)::value, decltype(kRecord)::value};
        });
        EXPECT_EQ(got, std::tuple(scheme, coloured, record));
      }
    }
  }
}

}  // namespace
}  // namespace srlif
