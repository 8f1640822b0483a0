// The per-neuron state, declared once. SRLIF_NEURON_VARS lists every variable a neuron carries
// from one chunk to the next: its name, element type, place in the NeuronRecord the physics
// steps, and the first state-file version that holds it. From that list follow
//   - NeuronArrays<Of>: one Of<type> per variable, for any storage kind: host vectors (the
//     CPU population, PopulationSnapshot), device vectors (the CUDA engine), raw pointers (the
//     CUDA kernel's view of them);
//   - for_each_state_array: every loop over the arrays (snapshots, state files, device copies);
//   - load_neuron / store_neuron: neuron `at` of any NeuronArrays as one NeuronRecord;
//   - kNeuronVars: the names and versions (the state file's layout).
// initial_neuron is the one state before step 0 of both backends and of `trace`; clear_neuron_tally
// what a warm-up leaves of it.
// Units: mV, pA; the tallies' phase sums at scale 2^24 (accumulators.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "srlif/physics/accumulators.hpp"
#include "srlif/physics/coloured_noise.hpp"
#include "srlif/physics/euler_step.hpp"
#include "srlif/physics/host_device.hpp"

namespace srlif {

// One neuron between two steps: what the step integrates (v, the hold, scheme exact's pending
// release), what it counts, and coloured noise's current (0 for white noise).
struct NeuronRecord {
  NeuronState state;
  NeuronTally tally;
  float noise_current;  // pA (coloured_noise.hpp)
};

// X(name, type, member of NeuronRecord, first state-file version), in the state file's order:
// a variable added later goes last, with the version that adds it (state_file.cpp reads older
// files with it at 0).
#define SRLIF_NEURON_VARS(X)                       \
  X(v, float, state.v, 1)                          \
  X(refractory, std::int32_t, state.refractory, 1) \
  X(spikes, std::uint32_t, tally.spikes, 1)        \
  X(cos_sum, std::int64_t, tally.cos_sum, 1)       \
  X(sin_sum, std::int64_t, tally.sin_sum, 1)       \
  X(noise_current, float, noise_current, 2)        \
  X(release, float, state.release, 2)

// One Of<T> per variable: NeuronArrays<HostArray>, NeuronArrays<DevicePointer>, ...
template <template <typename> class Of>
struct NeuronArrays {
#define SRLIF_NEURON_ARRAY(name, type, member, version) Of<type> name;
  SRLIF_NEURON_VARS(SRLIF_NEURON_ARRAY)
#undef SRLIF_NEURON_ARRAY
};

// Storage kinds of NeuronArrays. (DeviceVector is the CUDA engine's.)
template <typename T>
using DevicePointer = T*;

// The variables' names and the state-file version each first appears in.
struct NeuronVar {
  const char* name;
  int since_version;
};
inline constexpr NeuronVar kNeuronVars[] = {
#define SRLIF_NEURON_VAR(name, type, member, version) {#name, version},
    SRLIF_NEURON_VARS(SRLIF_NEURON_VAR)
#undef SRLIF_NEURON_VAR
};
inline constexpr std::size_t kNeuronVarCount = sizeof(kNeuronVars) / sizeof(kNeuronVars[0]);

// visit(a.v, b.v, ...), then each other variable in the list's order, for any states with
// members of these names (NeuronArrays of any storage kind, or what derives from them). Host code.
template <typename Visit, typename... States>
constexpr void for_each_state_array(Visit&& visit, States&... states) {
#define SRLIF_NEURON_VISIT(name, type, member, version) visit(states.name...);
  SRLIF_NEURON_VARS(SRLIF_NEURON_VISIT)
#undef SRLIF_NEURON_VISIT
}

// Neuron `at` of `arrays` (anything indexable per variable: pointers, vectors).
template <typename Arrays>
SRLIF_HD NeuronRecord load_neuron(const Arrays& arrays, std::size_t at) {
  NeuronRecord neuron{};
#define SRLIF_NEURON_LOAD(name, type, member, version) neuron.member = arrays.name[at];
  SRLIF_NEURON_VARS(SRLIF_NEURON_LOAD)
#undef SRLIF_NEURON_LOAD
  return neuron;
}

template <typename Arrays>
SRLIF_HD void store_neuron(Arrays& arrays, std::size_t at, const NeuronRecord& neuron) {
#define SRLIF_NEURON_STORE(name, type, member, version) arrays.name[at] = neuron.member;
  SRLIF_NEURON_VARS(SRLIF_NEURON_STORE)
#undef SRLIF_NEURON_STORE
}

// A neuron before step 0: at V_init, not held, nothing counted; with coloured noise, its current
// drawn from the stationary distribution for its stream (coloured_noise.hpp), else 0.
SRLIF_HD NeuronRecord initial_neuron(const PointCoefficients& point, std::uint64_t seed, std::uint64_t stream,
                                     bool coloured) {
  return NeuronRecord{NeuronState{point.constants.v_init, 0, 0.0f}, NeuronTally{0, 0, 0},
                      coloured ? initial_noise_current(seed, stream, point.coloured.stationary_sd) : 0.0f};
}

// Neuron `at` as it was, with nothing counted: the warm-up's end (BatchEngine::start_measuring).
template <typename Arrays>
SRLIF_HD void clear_neuron_tally(Arrays& arrays, std::size_t at) {
  NeuronRecord neuron = load_neuron(arrays, at);
  neuron.tally = NeuronTally{0, 0, 0};
  store_neuron(arrays, at, neuron);
}

// Neuron `at`'s part of its point's tally (accumulators.hpp): the one term of both backends'
// exact integer reductions.
template <typename Arrays>
SRLIF_HD PointTally neuron_contribution_at(const Arrays& arrays, std::size_t at, const ValidityRule& rule) {
  return neuron_contribution(load_neuron(arrays, at).tally, rule);
}

}  // namespace srlif
